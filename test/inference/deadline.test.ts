import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HUNG_AFTER } from "../../services/inference/src/runtime/session-pool";
import { DEFAULT_RUN_DEADLINE_MS, parseModelConfig } from "../../services/inference/src/sources/model-config";
import { addOffset, loopCount } from "../support/onnx-models";
import { buildApp, infer, makeRepo, removeRepo } from "./helpers";

const count = (n: number) => ({ inputs: [{ name: "n", shape: [], datatype: "INT64", data: [n] }] });
const pair = { inputs: [{ name: "x", shape: [1, 2], datatype: "FP32", data: [1, 2] }] };

describe("a model whose runs hang", () => {
  let repo: string;
  let app: FastifyInstance;
  beforeAll(async () => {
    repo = makeRepo({
      slow: { versions: { 1: loopCount() }, config: { run_deadline_ms: 1000, execution: { mode: "workers" } } },
      fast: { versions: { 1: addOffset(1) } },
    });
    app = await buildApp(repo);
  });
  afterAll(async () => {
    await app?.close();
    removeRepo(repo);
  });

  it("answers 504 past its deadline while other models keep answering, then is not ready; the server stays ready", async () => {
    expect(await infer(app, "slow", count(3))).toMatchObject({ status: 200, json: { outputs: [{ data: [3] }] } });
    for (let i = 0; i < HUNG_AFTER; i++) {
      const [slow, fast] = await Promise.all([infer(app, "slow", count(1e10)), infer(app, "fast", pair)]);
      expect(slow).toEqual({
        status: 504,
        json: { error: "the model run exceeded its 1000 ms deadline; the worker was terminated and is being replaced" },
      });
      expect(fast).toMatchObject({ status: 200, json: { outputs: [{ data: [2, 3] }] } });
    }
    expect((await app.inject({ url: "/v2/models/slow/ready" })).json()).toMatchObject({ ready: false });
    expect((await app.inject({ url: "/v2/models/fast/ready" })).json()).toMatchObject({ ready: true });
    expect((await app.inject({ url: "/v2/health/ready" })).statusCode).toBe(200);
  }, 30_000);

  it("takes run_deadline_ms from config.json (default 10 s) and names it when it is not a positive integer", () => {
    expect(parseModelConfig("m", {}).runDeadlineMs).toBe(DEFAULT_RUN_DEADLINE_MS);
    expect(DEFAULT_RUN_DEADLINE_MS).toBe(10_000);
    expect(parseModelConfig("m", { run_deadline_ms: 250 }).runDeadlineMs).toBe(250);
    expect(() => parseModelConfig("m", { run_deadline_ms: 0 })).toThrow(
      "m/config.json: run_deadline_ms must be an integer >= 1",
    );
  });
});
