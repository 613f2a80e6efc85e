import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { FastifyInstance } from "fastify";
import { mlp } from "../support/onnx-models";
import { buildApp, makeRepo, removeRepo } from "./helpers";

let repo: string;
let app: FastifyInstance;

beforeAll(async () => {
  repo = makeRepo({ mlp: { versions: { 1: mlp() } } });
  app = await buildApp(repo);
});
afterAll(async () => {
  await app?.close();
  removeRepo(repo);
});

describe("inference runs off the event loop", () => {
  it("answers health checks while a long inference is running", async () => {
    // 2048 rows through 32 → 4 × 1024 → 10: billions of multiply-adds, far longer than a health check.
    const rows = 2048;
    let inferenceDone = false;
    const inference = app
      .inject({
        method: "POST",
        url: "/v2/models/mlp/infer",
        payload: {
          inputs: [{ name: "x", shape: [rows, 32], datatype: "FP32", data: new Array(rows * 32).fill(0.25) }],
          outputs: [{ name: "y" }],
        },
      })
      .then((res) => {
        inferenceDone = true;
        return res;
      });
    // Wait until the request is inside the handler (pending), i.e. handed to the session worker.
    await vi.waitFor(
      async () =>
        expect((await app.inference.metrics.pending.get()).values.find((v) => v.labels.model === "mlp")?.value).toBe(1),
      { interval: 1 },
    );
    const checks = [];
    for (let i = 0; i < 5; i++) {
      const live = await app.inject("/v2/health/live");
      checks.push([live.statusCode, inferenceDone]);
    }
    expect(checks).toEqual(Array.from({ length: 5 }, () => [200, false]));
    const res = await inference;
    expect(res.statusCode).toBe(200);
    expect(res.json().outputs[0].shape).toEqual([rows, 10]);
  });
});
