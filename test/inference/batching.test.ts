import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { DynamicBatcher, type BatchStats } from "../../services/inference/src/runtime/batcher";
import type { TensorData } from "../../services/inference/src/protocol/datatypes";
import type { RunResult } from "../../services/inference/src/runtime/session-pool";
import { addOffset } from "../support/onnx-models";
import { buildApp, makeRepo, removeRepo } from "./helpers";

const row = (...v: number[]): Record<string, TensorData> => ({
  x: { type: "float32", dims: [v.length / 2, 2], data: new Float32Array(v) },
});

/** An executor that doubles its input and completes only when the test says so. */
function gatedExecutor() {
  const calls: { rows: number; release: () => void }[] = [];
  const execute = (feeds: Record<string, TensorData>): Promise<RunResult> =>
    new Promise((resolve) => {
      const x = feeds.x as TensorData;
      const data = Float32Array.from(x.data as Float32Array, (v) => v * 2);
      calls.push({
        rows: x.dims[0] as number,
        release: () => resolve({ outputs: { y: { type: "float32", dims: x.dims, data } }, computeUs: 5 }),
      });
    });
  return { calls, execute };
}

describe("DynamicBatcher", () => {
  it("batches requests that queue while the instance is busy, and splits outputs back", async () => {
    const ex = gatedExecutor();
    const stats: BatchStats[] = [];
    const b = new DynamicBatcher(
      { maxBatchSize: 8, maxQueueDelayUs: 0, preferredBatchSizes: [], maxQueueSize: 100, concurrency: 1 },
      ex.execute,
      (s) => stats.push(s),
    );
    const first = b.submit(row(1, 1), 1);
    const rest = [b.submit(row(2, 2), 1), b.submit(row(3, 3, 4, 4), 2), b.submit(row(5, 5), 1)];
    expect(ex.calls.map((c) => c.rows)).toEqual([1]); // only the first left; the others wait for the busy instance
    ex.calls[0]?.release();
    expect([...((await first).outputs.y?.data as Float32Array)]).toEqual([2, 2]);
    expect(ex.calls.map((c) => c.rows)).toEqual([1, 4]);
    ex.calls[1]?.release();
    const outs = await Promise.all(rest);
    expect(outs.map((o) => [...(o.outputs.y?.data as Float32Array)])).toEqual([
      [4, 4],
      [6, 6, 8, 8],
      [10, 10],
    ]);
    expect(outs.map((o) => o.outputs.y?.dims)).toEqual([
      [1, 2],
      [2, 2],
      [1, 2],
    ]);
    expect(stats.map((s) => [s.batchSize, s.requests])).toEqual([
      [1, 1],
      [4, 3],
    ]);
  });

  it("never exceeds max_batch_size and prefers a preferred size", async () => {
    const ex = gatedExecutor();
    const b = new DynamicBatcher(
      { maxBatchSize: 4, maxQueueDelayUs: 0, preferredBatchSizes: [2], maxQueueSize: 100, concurrency: 1 },
      ex.execute,
    );
    const all = [b.submit(row(0, 0), 1), ...[1, 2, 3, 4, 5, 6].map((i) => b.submit(row(i, i), 1))];
    ex.calls[0]?.release();
    await all[0];
    expect(ex.calls[1]?.rows).toBe(4); // 6 waiting: a full batch of 4 beats the preferred 2
    ex.calls[1]?.release();
    await Promise.all(all.slice(1, 5));
    expect(ex.calls[2]?.rows).toBe(2);
    ex.calls[2]?.release();
    await Promise.all(all);
    expect(ex.calls.map((c) => c.rows)).toEqual([1, 4, 2]);
  });

  it("keeps requests with different trailing shapes in separate batches", async () => {
    const ex = gatedExecutor();
    const b = new DynamicBatcher(
      { maxBatchSize: 8, maxQueueDelayUs: 0, preferredBatchSizes: [], maxQueueSize: 100, concurrency: 1 },
      ex.execute,
    );
    const wide: Record<string, TensorData> = { x: { type: "float32", dims: [1, 4], data: new Float32Array(4) } };
    const p = [b.submit(row(1, 1), 1), b.submit(row(2, 2), 1), b.submit(wide, 1), b.submit(row(3, 3), 1)];
    ex.calls[0]?.release();
    await p[0];
    expect(ex.calls[1]?.rows).toBe(2); // rows 2 and 3 ([1,2] each); the [1,4] request waits for its own batch
    ex.calls[1]?.release();
    await Promise.all([p[1], p[3]]);
    ex.calls[2]?.release();
    await p[2];
    expect(ex.calls.map((c) => c.rows)).toEqual([1, 2, 1]);
  });

  it("refuses requests beyond the queue limit with 503", async () => {
    const ex = gatedExecutor();
    const b = new DynamicBatcher(
      { maxBatchSize: 8, maxQueueDelayUs: 0, preferredBatchSizes: [], maxQueueSize: 2, concurrency: 1 },
      ex.execute,
    );
    const ok = [b.submit(row(1, 1), 1), b.submit(row(1, 1), 1), b.submit(row(1, 1), 1)];
    await expect(b.submit(row(1, 1), 1)).rejects.toMatchObject({
      statusCode: 503,
      message: "dynamic batching queue is full (2 requests waiting); retry later",
    });
    ex.calls[0]?.release();
    await ok[0];
    ex.calls[1]?.release();
    await Promise.all(ok);
  });

  it("waits up to max_queue_delay for company, then sends what it has", async () => {
    const ex = gatedExecutor();
    const b = new DynamicBatcher(
      { maxBatchSize: 8, maxQueueDelayUs: 20_000, preferredBatchSizes: [], maxQueueSize: 100, concurrency: 1 },
      ex.execute,
    );
    const p = [b.submit(row(1, 1), 1), b.submit(row(2, 2), 1)];
    expect(ex.calls).toHaveLength(0); // held for the delay
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (ex.calls.length > 0) {
          clearInterval(check);
          resolve();
        }
      }, 1);
    });
    expect(ex.calls.map((c) => c.rows)).toEqual([2]);
    ex.calls[0]?.release();
    await Promise.all(p);
  });
});

describe("dynamic batching in the service", () => {
  let repo: string;
  let app: FastifyInstance;
  beforeAll(async () => {
    repo = makeRepo({
      batched: {
        versions: { 1: addOffset(1) },
        config: { max_batch_size: 16, dynamic_batching: { max_queue_delay_microseconds: 2000 } },
      },
    });
    app = await buildApp(repo);
  });
  afterAll(async () => {
    await app?.close();
    removeRepo(repo);
  });

  it("answers each of 32 concurrent requests with its own rows, in fewer executions", async () => {
    const results = await Promise.all(
      Array.from({ length: 32 }, (_, i) =>
        app.inject({
          method: "POST",
          url: "/v2/models/batched/infer",
          payload: { id: `r${i}`, inputs: [{ name: "x", shape: [1, 2], datatype: "FP32", data: [i, -i] }] },
        }),
      ),
    );
    results.forEach((r, i) =>
      expect(r.json()).toMatchObject({ id: `r${i}`, outputs: [{ shape: [1, 2], data: [i + 1, 1 - i] }] }),
    );
    const metrics = (await app.inject("/metrics")).body;
    const execs = Number(/nv_inference_exec_count\{model="batched",version="1"\} (\d+)/.exec(metrics)?.[1]);
    expect(Number(/nv_inference_count\{model="batched",version="1"\} (\d+)/.exec(metrics)?.[1])).toBe(32);
    expect(execs).toBeGreaterThanOrEqual(2);
    expect(execs).toBeLessThan(32);
  });
});
