import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../services/inference/src/config";
import { grpcCode } from "../../services/inference/src/grpc/status";
import { PROTO_OPTIONS, PROTO_PATH } from "../../services/inference/src/grpc/server";
import { startInferenceServer, type RunningInferenceServer } from "../../services/inference/src/server";
import { addOffset, identity, twoInputs } from "../support/onnx-models";
import { makeRepo, removeRepo } from "./helpers";

const KEY = "grpc-s3cret";
let repo: string;
let server: RunningInferenceServer;
let client: grpc.Client &
  Record<string, (req: unknown, md: grpc.Metadata, cb: (e: grpc.ServiceError | null, r: any) => void) => void>;

/** One unary call; resolves with the response or the ServiceError. */
function call(method: string, request: unknown, key: string | null = KEY): Promise<any> {
  const md = new grpc.Metadata();
  if (key) md.set("authorization", `Bearer ${key}`);
  return new Promise((resolve) => client[method]!(request, md, (e, r) => resolve(e ?? r)));
}

const rest = (path: string, init?: RequestInit) =>
  fetch(`${server.url}${path}`, { ...init, headers: { authorization: `Bearer ${KEY}`, ...init?.headers } });

beforeAll(async () => {
  repo = makeRepo({
    spec: { versions: { 1: twoInputs() } },
    fp16: { versions: { 1: identity("FP16") } },
    bytes: { versions: { 1: identity("BYTES") } },
    batched: {
      versions: { 1: addOffset(1) },
      config: { max_batch_size: 16, dynamic_batching: { max_queue_delay_microseconds: 2000 } },
    },
  });
  const config = loadConfig({
    INFERENCE_MODEL_REPOSITORY: repo,
    HOST: "127.0.0.1",
    PORT: "0",
    INFERENCE_GRPC_PORT: "0",
    INFERENCE_CPU_LIMIT: "1",
  });
  server = await startInferenceServer(config, { logger: false, waitForModels: true, apiKey: KEY });
  const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(PROTO_PATH, PROTO_OPTIONS)) as any;
  client = new pkg.inference.GRPCInferenceService(server.grpcAddress, grpc.credentials.createInsecure());
});
afterAll(async () => {
  client?.close();
  await server?.close();
  removeRepo(repo);
});

const spec = {
  model_name: "spec",
  id: "42",
  inputs: [
    { name: "input0", datatype: "UINT32", shape: [2, 2] },
    { name: "input1", datatype: "BOOL", shape: [3] },
  ],
  raw_input_contents: [Buffer.from(new Uint32Array([1, 2, 3, 4]).buffer), Buffer.from([1, 0, 1])],
};

describe("inference.GRPCInferenceService", () => {
  it("listens on its own port next to REST", () => {
    expect(server.grpcAddress).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(server.grpcAddress).not.toBe(new URL(server.url).host);
  });

  it("answers ServerLive and ServerReady without credentials, like the REST probes", async () => {
    expect(await call("ServerLive", {}, null)).toEqual({ live: true });
    expect(await call("ServerReady", {}, null)).toEqual({ ready: true });
  });

  it("asks every other call for the REST credentials", async () => {
    expect(await call("ServerMetadata", {}, null)).toMatchObject({
      code: grpc.status.UNAUTHENTICATED,
      details: "missing credentials: send Authorization: Bearer <api key or Entra ID token>",
    });
    expect(await call("ModelInfer", spec, "wrong")).toMatchObject({
      code: grpc.status.UNAUTHENTICATED,
      details: "invalid credentials",
    });
  });

  it("reports the same server and model metadata as REST", async () => {
    expect(await call("ServerMetadata", {})).toEqual(await (await rest("/v2")).json());
    const meta: any = await (await rest("/v2/models/spec")).json();
    expect(await call("ModelMetadata", { name: "spec" })).toEqual({
      name: meta.name,
      versions: meta.versions,
      platform: meta.platform,
      inputs: meta.inputs,
      outputs: meta.outputs,
    });
    expect(await call("ModelReady", { name: "spec", version: "1" })).toEqual({ ready: true });
  });

  it("runs ModelInfer with raw_input_contents and answers raw_output_contents, id echoed", async () => {
    const r = await call("ModelInfer", spec);
    expect({ ...r, raw_output_contents: undefined }).toEqual({
      model_name: "spec",
      model_version: "1",
      id: "42",
      outputs: [
        { name: "output0", datatype: "FP32", shape: [2, 2] },
        { name: "output1", datatype: "BOOL", shape: [3] },
      ],
      raw_output_contents: undefined,
    });
    const [f32, bool] = r.raw_output_contents as Buffer[];
    expect([...new Float32Array(new Uint8Array(f32!).buffer)]).toEqual([1, 2, 3, 4]);
    expect([...bool!]).toEqual([0, 1, 0]);
  });

  it("takes typed contents and returns only the requested outputs", async () => {
    const r = await call("ModelInfer", {
      model_name: "spec",
      model_version: "1",
      inputs: [
        { name: "input0", datatype: "UINT32", shape: [2, 2], contents: { uint_contents: [5, 6, 7, 8] } },
        { name: "input1", datatype: "BOOL", shape: [3], contents: { bool_contents: [false, false, true] } },
      ],
      outputs: [{ name: "output1" }],
    });
    expect(r.outputs.map((o: any) => o.name)).toEqual(["output1"]);
    expect([...r.raw_output_contents[0]]).toEqual([1, 1, 0]);
  });

  it("carries FP16 and BYTES as raw contents", async () => {
    const half = Buffer.from(new Uint16Array([0x3c00, 0xc000, 0x7bff]).buffer);
    const fp16 = await call("ModelInfer", {
      model_name: "fp16",
      inputs: [{ name: "input", datatype: "FP16", shape: [3] }],
      raw_input_contents: [half],
    });
    expect(Buffer.compare(fp16.raw_output_contents[0], half)).toBe(0);
    const text = Buffer.from([2, 0, 0, 0, 0x68, 0x69, 0, 0, 0, 0]);
    const bytes = await call("ModelInfer", {
      model_name: "bytes",
      inputs: [{ name: "input", datatype: "BYTES", shape: [2] }],
      raw_input_contents: [text],
    });
    expect(Buffer.compare(bytes.raw_output_contents[0], text)).toBe(0);
  });

  it("fails with the REST error's message and the matching code", async () => {
    const bad = { ...spec, inputs: [{ ...spec.inputs[0], shape: [4] }, spec.inputs[1]] };
    const restBad = await rest("/v2/models/spec/infer", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        inputs: [
          { name: "input0", datatype: "UINT32", shape: [4], data: [1, 2, 3, 4] },
          { name: "input1", datatype: "BOOL", shape: [3], data: [true, false, true] },
        ],
      }),
    });
    expect(restBad.status).toBe(400);
    expect(await call("ModelInfer", bad)).toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: ((await restBad.json()) as { error: string }).error,
    });
    expect(await call("ModelInfer", { ...spec, model_name: "nope" })).toMatchObject({
      code: grpc.status.NOT_FOUND,
      details: 'unknown model "nope"',
    });
    expect(await call("ModelReady", { name: "spec", version: "9" })).toMatchObject({
      code: grpc.status.NOT_FOUND,
      details: 'model "spec" has no version "9"',
    });
    expect(
      await call("ModelInfer", {
        model_name: "fp16",
        inputs: [{ name: "input", datatype: "FP16", shape: [1], contents: { fp32_contents: [1] } }],
      }),
    ).toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: 'input "input": FP16 has no typed contents; send it in raw_input_contents',
    });
    expect(await call("ModelInfer", { ...spec, raw_input_contents: [spec.raw_input_contents[0]] })).toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: "raw_input_contents has 1 entries for 2 inputs",
    });
  });

  it("batches concurrent calls like REST and counts them in the same metrics", async () => {
    const before = await (await rest("/metrics")).text();
    const count = (text: string, metric: string) =>
      Number(new RegExp(`^${metric}\\{model="batched",version="1"\\} (\\d+)$`, "m").exec(text)?.[1] ?? 0);
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        call("ModelInfer", {
          model_name: "batched",
          inputs: [{ name: "x", datatype: "FP32", shape: [1, 2], contents: { fp32_contents: [i, -i] } }],
        }),
      ),
    );
    results.forEach((r, i) =>
      expect([...new Float32Array(new Uint8Array(r.raw_output_contents[0]).buffer)]).toEqual([i + 1, 1 - i]),
    );
    const after = await (await rest("/metrics")).text();
    expect(count(after, "nv_inference_request_success") - count(before, "nv_inference_request_success")).toBe(16);
    expect(count(after, "nv_inference_exec_count") - count(before, "nv_inference_exec_count")).toBeLessThan(16);
  });
});

describe("gRPC status codes", () => {
  it.each([
    [400, grpc.status.INVALID_ARGUMENT],
    [401, grpc.status.UNAUTHENTICATED],
    [404, grpc.status.NOT_FOUND],
    [413, grpc.status.RESOURCE_EXHAUSTED],
    [429, grpc.status.RESOURCE_EXHAUSTED],
    [500, grpc.status.INTERNAL],
    [503, grpc.status.UNAVAILABLE],
    [504, grpc.status.DEADLINE_EXCEEDED],
  ])("HTTP %i is gRPC code %i", (http, code) => expect(grpcCode(http)).toBe(code));
});
