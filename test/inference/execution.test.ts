import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { addOffset, mlp, rangeSum } from "../support/onnx-models";
import { buildApp, infer, makeRepo, removeRepo } from "./helpers";

let repo: string;
let app: FastifyInstance;

/** The value of one labelled series in the Prometheus text, or undefined when absent. */
async function series(name: string, model: string): Promise<number | undefined> {
  const text = (await app.inject("/metrics")).body;
  const m = new RegExp(`^${name}\\{model="${model}",version="1"\\} (\\S+)$`, "m").exec(text);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

beforeAll(async () => {
  repo = makeRepo({
    cheap: { versions: { 1: addOffset(1) } },
    pinned: { versions: { 1: addOffset(1) }, config: { execution: { mode: "workers" } } },
    batched: {
      versions: { 1: addOffset(1) },
      config: { max_batch_size: 16, dynamic_batching: { max_queue_delay_microseconds: 0 } },
    },
    // The 4 × 1024 MLP costs 0.15–1.3 ms a row on this machine: over a 50 µs budget wherever the test runs.
    heavy: { versions: { 1: mlp() }, config: { execution: { mode: "auto", inline_budget_us: 50 } } },
    growing: { versions: { 1: rangeSum() } },
  });
  app = await buildApp(repo);
});
afterAll(async () => {
  await app?.close();
  removeRepo(repo);
});

describe("adaptive execution", () => {
  it("runs a model measured under the budget inline, a heavy one and a pinned one on the workers", async () => {
    expect({
      cheap: await series("inference_execution_inline", "cheap"),
      batched: await series("inference_execution_inline", "batched"),
      pinned: await series("inference_execution_inline", "pinned"),
      heavy: await series("inference_execution_inline", "heavy"),
    }).toEqual({ cheap: 1, batched: 1, pinned: 0, heavy: 0 });
  });

  it("answers the same inline, batched inline and on the workers", async () => {
    const body = { inputs: [{ name: "x", shape: [2, 2], datatype: "FP32", data: [1, 2, 3, 4] }] };
    const answers = await Promise.all(["cheap", "batched", "pinned"].map((m) => infer(app, m, body)));
    for (const a of answers)
      expect(a.json.outputs).toEqual([{ name: "y", datatype: "FP32", shape: [2, 2], data: [2, 3, 4, 5] }]);
  });

  it("batches requests that arrive together; a batch of several requests runs on the workers", async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        infer(app, "batched", { inputs: [{ name: "x", shape: [1, 2], datatype: "FP32", data: [i, 0] }] }),
      ),
    );
    results.forEach((r, i) => expect(r.json.outputs[0].data).toEqual([i + 1, 1]));
    expect(await series("nv_inference_exec_count", "batched")).toBeLessThan(8);
  });

  it("moves a model whose inline runs exceed the budget to the worker pool, counts it, and keeps answering", async () => {
    const sum = (n: number) =>
      infer(app, "growing", { inputs: [{ name: "n", shape: [], datatype: "FP32", data: [n] }] });
    expect((await sum(4)).json.outputs[0].data).toEqual([6]);
    expect(await series("inference_execution_inline", "growing")).toBe(1);
    // Warmup ran n = 0; ten million elements take milliseconds, far over the 250 µs budget. The first window of 16
    // inline runs (the one above among them) is not judged; the version moves when every run of the second window
    // is over the budget.
    for (let i = 0; i < 30; i++) expect((await sum(1e7)).status).toBe(200);
    expect(await series("inference_execution_inline", "growing")).toBe(1);
    expect((await sum(1e7)).status).toBe(200);
    expect(await series("inference_execution_inline", "growing")).toBe(0);
    expect(await series("inference_execution_moved_to_workers_total", "growing")).toBe(1);
    expect((await sum(5)).json.outputs[0].data).toEqual([10]);
  });
});
