import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../services/inference/src/config";
import { startInferenceServer, type RunningInferenceServer } from "../../services/inference/src/server";
import { addOffset, tabularClassifier } from "../support/onnx-models";
import { makeRepo, removeRepo } from "./helpers";

let repo: string;
let server: RunningInferenceServer;

beforeAll(async () => {
  repo = makeRepo({
    tabular: { versions: { 1: tabularClassifier() } },
    // Holds each request 300 ms for company: an in-flight request the drain must wait for.
    slow: {
      versions: { 1: addOffset(1) },
      config: { max_batch_size: 64, dynamic_batching: { max_queue_delay_microseconds: 300_000 } },
    },
  });
  const config = loadConfig({
    INFERENCE_MODEL_REPOSITORY: repo,
    HOST: "127.0.0.1",
    PORT: "0",
    INFERENCE_CPU_LIMIT: "1",
    INFERENCE_BODY_LIMIT_BYTES: "2048",
  });
  server = await startInferenceServer(config, { logger: false, waitForModels: true });
});
afterAll(async () => {
  await server?.close();
  removeRepo(repo);
});

const json = async (url: string): Promise<any> => (await fetch(url)).json();
const post = (path: string, body: unknown, headers: Record<string, string> = { "content-type": "application/json" }) =>
  fetch(`${server.url}${path}`, {
    method: "POST",
    headers,
    body: typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });

describe("over a real socket", () => {
  it("listens on 127.0.0.1 and answers every endpoint", async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await json(`${server.url}/v2/health/live`)).toEqual({ live: true });
    expect((await fetch(`${server.url}/v2/health/ready`)).status).toBe(200);
    expect((await json(`${server.url}/v2`)).extensions).toContain("binary_tensor_data");
    expect((await json(`${server.url}/v2/models/tabular`)).inputs).toEqual([
      { name: "features", datatype: "FP32", shape: [-1, 4] },
    ]);
    expect((await fetch(`${server.url}/v2/models/tabular/versions/1/ready`)).status).toBe(200);
    const res = await post("/v2/models/tabular/infer", {
      id: "s1",
      inputs: [{ name: "features", shape: [1, 4], datatype: "FP32", data: [1, 2, 3, 4] }],
      outputs: [{ name: "label" }],
    });
    expect((await res.json()) as any).toEqual({
      model_name: "tabular",
      model_version: "1",
      id: "s1",
      outputs: [{ name: "label", datatype: "INT64", shape: [1], data: [2] }],
    });
    expect((await fetch(`${server.url}/metrics`)).headers.get("content-type")).toMatch(/^text\/plain/);
  });

  it("speaks the binary extension", async () => {
    const header = Buffer.from(
      JSON.stringify({
        inputs: [{ name: "features", shape: [1, 4], datatype: "FP32", parameters: { binary_data_size: 16 } }],
        outputs: [{ name: "probabilities", parameters: { binary_data: true } }],
      }),
    );
    const res = await post(
      "/v2/models/tabular/infer",
      Buffer.concat([header, Buffer.from(new Float32Array([1, 2, 3, 4]).buffer)]),
      {
        "content-type": "application/octet-stream",
        "inference-header-content-length": String(header.length),
      },
    );
    const body = Buffer.from(await res.arrayBuffer());
    const n = Number(res.headers.get("inference-header-content-length"));
    expect(JSON.parse(body.subarray(0, n).toString()).outputs).toEqual([
      { name: "probabilities", datatype: "FP32", shape: [1, 3], parameters: { binary_data_size: 12 } },
    ]);
    const p = new Float32Array(new Uint8Array(body.subarray(n)).buffer);
    expect(p[0]! + p[1]! + p[2]!).toBeCloseTo(1, 5);
  });

  it("answers errors as JSON with the right status", async () => {
    const a = await post("/v2/models/tabular/infer", "{oops");
    expect(a.status).toBe(400);
    expect(((await a.json()) as any).error).toMatch(
      /^malformed JSON body: Expected property name or '}' in JSON at position 1\b/,
    );
    const b = await post("/v2/models/tabular/infer", {
      inputs: [{ name: "features", shape: [1, 4], datatype: "FP32", data: new Array(1000).fill(0.5) }],
    });
    expect([b.status, await b.json()]).toEqual([413, { error: "request body exceeds the limit of 2048 bytes" }]);
    const c = await fetch(`${server.url}/v2/models/none/ready`);
    expect([c.status, await c.json()]).toEqual([404, { error: 'unknown model "none"' }]);
    expect((await fetch(`${server.url}/v2/health/live`)).status).toBe(200);
  });

  it("fails readiness and refuses new inference while draining", async () => {
    server.app.inference.state.draining = true;
    try {
      expect((await fetch(`${server.url}/v2/health/ready`)).status).toBe(503);
      const res = await post("/v2/models/tabular/infer", {
        inputs: [{ name: "features", shape: [1, 4], datatype: "FP32", data: [1, 2, 3, 4] }],
      });
      expect([res.status, await res.json()]).toEqual([503, { error: "server is shutting down" }]);
    } finally {
      server.app.inference.state.draining = false;
    }
  });

  it("drains: close() lets the in-flight request finish, then stops listening", async () => {
    const inflight = post("/v2/models/slow/infer", {
      inputs: [{ name: "x", shape: [1, 2], datatype: "FP32", data: [1, 1] }],
    });
    const pending = async () =>
      (await server.app.inference.metrics.pending.get()).values.find((v) => v.labels.model === "slow")?.value;
    await vi.waitFor(async () => expect(await pending()).toBe(1));
    const closing = server.close();
    expect(server.app.inference.state.draining).toBe(true);
    const after = await server.app.inject({
      method: "POST",
      url: "/v2/models/slow/infer",
      payload: { inputs: [{ name: "x", shape: [1, 2], datatype: "FP32", data: [2, 2] }] },
    });
    expect(after.statusCode).toBe(503); // arrived after the drain began
    const first = await inflight;
    expect([first.status, ((await first.json()) as any).outputs[0].data]).toEqual([200, [2, 2]]);
    await closing;
    await expect(fetch(`${server.url}/v2/health/live`)).rejects.toThrow();
  });
});

describe("npx ai-platform serve", () => {
  it("serves a repository with worker threads and exits 0 on SIGTERM", async () => {
    const child = spawn(
      process.execPath,
      [
        join(__dirname, "..", "..", "cli", "ai-platform.mjs"),
        "serve",
        "--model-repository",
        repo,
        "--port",
        "0",
        "--cpu-limit",
        "1",
      ],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      const url = await vi.waitFor(
        () => {
          const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
          if (!m?.[1]) throw new Error(`not listening yet: ${out}`);
          return m[1];
        },
        { timeout: 30_000, interval: 50 },
      );
      await vi.waitFor(async () => expect((await fetch(`${url}/v2/health/ready`)).status).toBe(200), {
        timeout: 30_000,
        interval: 50,
      });
      const res = await fetch(`${url}/v2/models/tabular/infer`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ inputs: [{ name: "features", shape: [1, 4], datatype: "FP32", data: [1, 2, 3, 4] }] }),
      });
      expect(((await res.json()) as any).outputs[0].data).toEqual([2]);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(out).toContain('"msg":"draining"');
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
