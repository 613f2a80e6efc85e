import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../services/inference/src/config";
import { RETRY_AFTER_SECONDS } from "../../services/inference/src/plugins/pressure";
import { addOffset } from "../support/onnx-models";
import { buildApp, makeRepo, removeRepo } from "./helpers";

/** Blocks the event loop for `ms`, as a CPU-heavy burst would. */
function blockEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy: the event loop cannot turn
  }
}

describe("load shedding", () => {
  let repo: string;
  let app: FastifyInstance;
  beforeAll(async () => {
    repo = makeRepo({ m: { versions: { 1: addOffset(1) } } });
    // A 20 ms event-loop delay limit, so one blocked stretch of the loop puts the server under pressure.
    app = await buildApp(repo, { INFERENCE_MAX_EVENT_LOOP_DELAY_MS: "20" });
  });
  afterAll(async () => {
    await app?.close();
    removeRepo(repo);
  });

  it("answers 503 with Retry-After while the event loop lags, keeps liveness answering, and recovers", async () => {
    const body = { inputs: [{ name: "x", shape: [1, 2], datatype: "FP32", data: [1, 2] }] };
    let shed: Awaited<ReturnType<FastifyInstance["inject"]>> | undefined;
    // under-pressure samples the delay on a timer: block the loop until a sample sees it (bounded attempts).
    for (let attempt = 0; attempt < 50 && shed?.statusCode !== 503; attempt++) {
      blockEventLoop(200);
      await new Promise((resolve) => setImmediate(resolve));
      shed = await app.inject({ method: "POST", url: "/v2/models/m/infer", payload: body });
    }
    expect(shed?.statusCode).toBe(503);
    expect(shed?.headers["retry-after"]).toBe(String(RETRY_AFTER_SECONDS));
    expect(shed?.json().error).toMatch(/^server overloaded \(eventLoopDelay \d+\); retry after 2 s$/);
    const live = await app.inject({ url: "/v2/health/live" });
    expect(live.statusCode).toBe(200);
    expect(app.isUnderPressure()).toBe(true);

    await expect
      .poll(async () => (await app.inject({ method: "POST", url: "/v2/models/m/infer", payload: body })).statusCode, {
        timeout: 10_000,
        interval: 100,
      })
      .toBe(200);
  });

  it("reads its limits from the environment, naming a bad value", () => {
    expect(
      loadConfig({
        INFERENCE_MODEL_REPOSITORY: "/m",
        INFERENCE_MAX_EVENT_LOOP_DELAY_MS: "250",
        INFERENCE_MAX_HEAP_USED_BYTES: "1000000",
      }).loadShedding,
    ).toEqual({ maxEventLoopDelayMs: 250, maxHeapUsedBytes: 1_000_000 });
    expect(() => loadConfig({ INFERENCE_MODEL_REPOSITORY: "/m", INFERENCE_MAX_EVENT_LOOP_DELAY_MS: "soon" })).toThrow(
      /INFERENCE_MAX_EVENT_LOOP_DELAY_MS/,
    );
  });
});
