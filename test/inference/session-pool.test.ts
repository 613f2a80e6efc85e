import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SessionPool } from "../../services/inference/src/runtime/session-pool";
import type { TensorData } from "../../services/inference/src/protocol/datatypes";
import { addOffset } from "../support/onnx-models";

const row = (v: number): Record<string, TensorData> => ({ x: { type: "float32", dims: [1, 2], data: new Float32Array([v, -v]) } });

describe("SessionPool", () => {
  let pool: SessionPool;
  beforeAll(async () => {
    ({ pool } = await SessionPool.open({ model: { bytes: addOffset(1) }, instances: 1, intraOpNumThreads: 1, device: "cpu", maxQueue: 2 }));
  });
  afterAll(async () => {
    await pool?.close();
  });

  it("answers every request of a burst with its own outputs, and refuses beyond one message plus max_queue_size", async () => {
    // One free worker takes up to 64 requests at the end of the turn; 2 more may wait; the 67th is refused.
    const runs = Array.from({ length: 67 }, (_, i) => pool.run(row(i)));
    const settled = await Promise.allSettled(runs);
    expect(settled.slice(0, 66).every((r) => r.status === "fulfilled")).toBe(true);
    expect(settled[66]).toMatchObject({ status: "rejected", reason: { statusCode: 503, message: "inference queue is full (66 requests waiting); retry later" } });
    const outputs = settled.slice(0, 66).map((r) => [...((r as PromiseFulfilledResult<Awaited<ReturnType<SessionPool["run"]>>>).value.outputs.y?.data as Float32Array)]);
    expect(outputs).toEqual(Array.from({ length: 66 }, (_, i) => [i + 1, -i + 1]));
  });
});
