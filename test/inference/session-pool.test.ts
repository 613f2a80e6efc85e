import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HUNG_AFTER, respawnDelayMs, SessionPool } from "../../services/inference/src/runtime/session-pool";
import type { TensorData } from "../../services/inference/src/protocol/datatypes";
import { addOffset, loopCount } from "../support/onnx-models";

const row = (v: number): Record<string, TensorData> => ({
  x: { type: "float32", dims: [1, 2], data: new Float32Array([v, -v]) },
});

describe("SessionPool", () => {
  let pool: SessionPool;
  beforeAll(async () => {
    ({ pool } = await SessionPool.open({
      model: { bytes: addOffset(1) },
      instances: 1,
      intraOpNumThreads: 1,
      device: "cpu",
      maxQueue: 2,
      runDeadlineMs: 10_000,
    }));
  });
  afterAll(async () => {
    await pool?.close();
  });

  it("answers every request of a burst with its own outputs, and refuses beyond one message plus max_queue_size", async () => {
    // One free worker takes up to 64 requests at the end of the turn; 2 more may wait; the 67th is refused.
    const runs = Array.from({ length: 67 }, (_, i) => pool.run(row(i)));
    const settled = await Promise.allSettled(runs);
    expect(settled.slice(0, 66).every((r) => r.status === "fulfilled")).toBe(true);
    expect(settled[66]).toMatchObject({
      status: "rejected",
      reason: { statusCode: 503, message: "inference queue is full (66 requests waiting); retry later" },
    });
    const outputs = settled
      .slice(0, 66)
      .map((r) => [
        ...((r as PromiseFulfilledResult<Awaited<ReturnType<SessionPool["run"]>>>).value.outputs.y
          ?.data as Float32Array),
      ]);
    expect(outputs).toEqual(Array.from({ length: 66 }, (_, i) => [i + 1, -i + 1]));
  });

  it("replaces a worker that dies: what it held fails with the exit, later requests are served by a fresh session", async () => {
    const internals = pool as unknown as { slots: { worker: { terminate(): Promise<number> } }[] };
    const dying = internals.slots[0]!;
    const inflight = Array.from({ length: 8 }, (_, i) => pool.run(row(i)));
    await dying.worker.terminate();
    const settled = await Promise.allSettled(inflight);
    settled.forEach((r, i) => {
      if (r.status === "fulfilled") expect([...(r.value.outputs.y?.data as Float32Array)]).toEqual([i + 1, -i + 1]);
      else expect((r.reason as Error).message).toBe("inference worker exited with code 1");
    });
    const after = await pool.run(row(7));
    expect([...(after.outputs.y?.data as Float32Array)]).toEqual([8, -6]);
    expect(internals.slots).toHaveLength(1);
    expect(internals.slots[0]).not.toBe(dying);
  });
});

describe("SessionPool run deadline", () => {
  const n = (count: number): Record<string, TensorData> => ({
    n: { type: "int64", dims: [], data: new BigInt64Array([BigInt(count)]) },
  });

  it("fails a hung run with 504 at the deadline, replaces the worker, and reports hung after repeated hangs", async () => {
    const { pool } = await SessionPool.open({
      model: { bytes: loopCount() },
      instances: 1,
      intraOpNumThreads: 1,
      device: "cpu",
      maxQueue: 8,
      runDeadlineMs: 1000,
    });
    try {
      const quick = await pool.run(n(5));
      expect([...(quick.outputs.count?.data as Float32Array)]).toEqual([5]);
      for (let i = 1; i <= HUNG_AFTER; i++) {
        await expect(pool.run(n(1e10))).rejects.toMatchObject({
          statusCode: 504,
          message: "the model run exceeded its 1000 ms deadline; the worker was terminated and is being replaced",
        });
        expect(pool.hung).toBe(i >= HUNG_AFTER);
      }
      // A fresh worker (after the backoff) answers, and one answered run clears the hung state.
      const after = await pool.run(n(7));
      expect([...(after.outputs.count?.data as Float32Array)]).toEqual([7]);
      expect(pool.hung).toBe(false);
    } finally {
      await pool.close();
    }
  }, 30_000);

  it("backs off 100 ms doubling up to 5 s between replacements of hung workers", () => {
    expect([0, 1, 2, 3, 7, 20].map(respawnDelayMs)).toEqual([0, 100, 200, 400, 5000, 5000]);
  });
});
