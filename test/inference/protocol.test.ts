import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { addOffset, tabularClassifier, twoInputs } from "../support/onnx-models";
import { buildApp, infer, makeRepo, removeRepo } from "./helpers";

let repo: string;
let app: FastifyInstance;

beforeAll(async () => {
  repo = makeRepo({
    tabular: { versions: { 1: tabularClassifier() } },
    mymodel: { versions: { 1: twoInputs() } },
    offset: { versions: { 1: addOffset(1), 2: addOffset(2) }, config: { version_policy: { all: {} } } },
  });
  app = await buildApp(repo);
});
afterAll(async () => {
  await app?.close();
  removeRepo(repo);
});

describe("health and metadata", () => {
  it("is live and ready once every model is loaded", async () => {
    expect((await app.inject("/v2/health/live")).json()).toEqual({ live: true });
    const ready = await app.inject("/v2/health/ready");
    expect([ready.statusCode, ready.json()]).toEqual([200, { ready: true }]);
  });

  it("reports server metadata with the binary extension", async () => {
    expect((await app.inject("/v2")).json()).toEqual({
      name: "ai-platform-inference",
      version: "0.1.0",
      extensions: ["binary_tensor_data", "model_repository"],
    });
  });

  it("reports model metadata with -1 for dynamic dimensions", async () => {
    const res = await app.inject("/v2/models/tabular");
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      name: "tabular",
      versions: ["1"],
      platform: "onnxruntime_onnx",
      inputs: [{ name: "features", datatype: "FP32", shape: [-1, 4] }],
      outputs: [
        { name: "label", datatype: "INT64", shape: [-1] },
        { name: "probabilities", datatype: "FP32", shape: [-1, 3] },
      ],
    });
  });

  it("lists every loaded version and answers per-version metadata and readiness", async () => {
    expect((await app.inject("/v2/models/offset")).json().versions).toEqual(["1", "2"]);
    expect((await app.inject("/v2/models/offset/versions/1")).json().versions).toEqual(["1"]);
    const r = await app.inject("/v2/models/offset/versions/2/ready");
    expect([r.statusCode, r.json()]).toEqual([200, { name: "offset", version: "2", ready: true }]);
  });

  it("answers 404 with a precise error for unknown models and versions", async () => {
    const a = await app.inject("/v2/models/nope");
    expect([a.statusCode, a.json()]).toEqual([404, { error: 'unknown model "nope"' }]);
    const b = await app.inject("/v2/models/offset/versions/9/ready");
    expect([b.statusCode, b.json()]).toEqual([404, { error: 'model "offset" has no version "9"' }]);
    const c = await infer(app, "offset", { inputs: [] }, "abc");
    expect(c.status).toBe(400); // schema first: inputs must not be empty
  });
});

describe("inference", () => {
  it("runs the spec's example request: id echoed, requested outputs only, model_name/model_version", async () => {
    const res = await infer(app, "mymodel", {
      id: "42",
      inputs: [
        { name: "input0", shape: [2, 2], datatype: "UINT32", data: [1, 2, 3, 4] },
        { name: "input1", shape: [3], datatype: "BOOL", data: [true, false, true] },
      ],
      outputs: [{ name: "output0" }],
    });
    expect(res).toEqual({
      status: 200,
      json: {
        model_name: "mymodel",
        model_version: "1",
        id: "42",
        outputs: [{ name: "output0", datatype: "FP32", shape: [2, 2], data: [1, 2, 3, 4] }],
      },
    });
  });

  it("runs the binary extension's example: 16 + 3 bytes of inputs after the JSON header, binary output0", async () => {
    const header = Buffer.from(
      JSON.stringify({
        inputs: [
          { name: "input0", shape: [2, 2], datatype: "UINT32", parameters: { binary_data_size: 16 } },
          { name: "input1", shape: [3], datatype: "BOOL", parameters: { binary_data_size: 3 } },
        ],
        outputs: [{ name: "output0", parameters: { binary_data: true } }],
      }),
    );
    const payload = Buffer.concat([header, Buffer.from(new Uint32Array([1, 2, 3, 4]).buffer), Buffer.from([1, 0, 1])]);
    expect(payload.length).toBe(header.length + 19);
    const res = await app.inject({
      method: "POST",
      url: "/v2/models/mymodel/infer",
      headers: { "content-type": "application/octet-stream", "inference-header-content-length": String(header.length) },
      payload,
    });
    const n = Number(res.headers["inference-header-content-length"]);
    expect(Number(res.headers["content-length"])).toBe(n + 16);
    expect(JSON.parse(res.rawPayload.subarray(0, n).toString())).toEqual({
      model_name: "mymodel",
      model_version: "1",
      outputs: [{ name: "output0", datatype: "FP32", shape: [2, 2], parameters: { binary_data_size: 16 } }],
    });
    expect([...new Float32Array(new Uint8Array(res.rawPayload.subarray(n)).buffer)]).toEqual([1, 2, 3, 4]);
  });

  it("accepts nested row-major data and returns every output when none is requested", async () => {
    const res = await infer(app, "mymodel", {
      inputs: [
        {
          name: "input0",
          shape: [2, 2],
          datatype: "UINT32",
          data: [
            [1, 2],
            [3, 4],
          ],
        },
        { name: "input1", shape: [3], datatype: "BOOL", data: [true, false, true] },
      ],
    });
    expect(res.json.outputs).toEqual([
      { name: "output0", datatype: "FP32", shape: [2, 2], data: [1, 2, 3, 4] },
      { name: "output1", datatype: "BOOL", shape: [3], data: [false, true, false] },
    ]);
    expect(res.json).not.toHaveProperty("id");
  });

  it("classifies a batch with the tabular model", async () => {
    const res = await infer(app, "tabular", {
      inputs: [{ name: "features", shape: [2, 4], datatype: "FP32", data: [1, 2, 3, 4, 0, 0, 0, 0] }],
    });
    expect(res.status).toBe(200);
    const [label, probs] = res.json.outputs;
    expect(label).toEqual({ name: "label", datatype: "INT64", shape: [2], data: [2, 2] });
    expect(probs.shape).toEqual([2, 3]);
    expect(probs.data[0] + probs.data[1] + probs.data[2]).toBeCloseTo(1, 5);
  });

  it("routes to an explicit version", async () => {
    const body = { inputs: [{ name: "x", shape: [1, 2], datatype: "FP32", data: [10, 20] }] };
    expect((await infer(app, "offset", body, "1")).json.outputs[0].data).toEqual([11, 21]);
    expect((await infer(app, "offset", body, "2")).json).toMatchObject({
      model_version: "2",
      outputs: [{ data: [12, 22] }],
    });
    expect((await infer(app, "offset", body)).json.model_version).toBe("2");
  });
});

describe("INFERENCE_DEVICE=cuda without a CUDA provider", () => {
  it("falls back to CPU, says so in the metadata, and serves", async () => {
    const cudaApp = await buildApp(repo, { INFERENCE_DEVICE: "cuda" });
    try {
      expect((await cudaApp.inject("/v2/models/tabular")).json().parameters).toEqual({
        default_version: "1",
        max_batch_size: 0,
        execution_provider: "cpu",
      });
      const res = await infer(cudaApp, "tabular", {
        inputs: [{ name: "features", shape: [1, 4], datatype: "FP32", data: [1, 2, 3, 4] }],
      });
      expect(res.json.outputs[0].data).toEqual([2]);
    } finally {
      await cudaApp.close();
    }
  });
});
