// One onnxruntime InferenceSession per worker thread (session.run() blocks its thread; see docs/inference.md).
// Plain JavaScript on purpose: worker threads do not inherit tsx's in-process loader (the CLI registers
// tsx through its API), so this entry needs no TypeScript loader under vitest, tsx or `node --import tsx`.
import { parentPort, workerData } from "node:worker_threads";
import {
  createSession,
  fromOrtResults,
  hasDynamicRows,
  sessionOptions,
  toOrtFeeds,
  zeroFeeds,
} from "../runtime/ort-tensors.mjs";

/** @type {{ modelPath?: string; modelBytes?: Uint8Array; intraOpNumThreads: number; device: "cpu" | "cuda" }} */
const options = workerData;

async function open() {
  const model = options.modelBytes
    ? { bytes: options.modelBytes }
    : { path: /** @type {string} */ (options.modelPath) };
  if (options.device === "cuda") {
    try {
      const session = await createSession(model, sessionOptions(options.intraOpNumThreads, ["cuda", "cpu"]));
      return { session, provider: "cuda", fallbackReason: undefined };
    } catch (error) {
      const session = await createSession(model, sessionOptions(options.intraOpNumThreads, ["cpu"]));
      return {
        session,
        provider: "cpu",
        fallbackReason: `CUDA execution provider unavailable: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }
  const session = await createSession(model, sessionOptions(options.intraOpNumThreads, ["cpu"]));
  return { session, provider: "cpu", fallbackReason: undefined };
}

const loaded = open();
// A failed load rejects every task with the load error; keep the rejection from being reported as unhandled.
loaded.catch(() => undefined);

/**
 * The lower-quartile time of `times` runs of `feeds`, in microseconds, after three untimed runs: on a busy machine
 * the slow samples measure the other processes, the fast ones the model.
 */
async function runCostUs(session, feeds, times) {
  const ort = toOrtFeeds(feeds);
  for (let i = 0; i < 3; i++) await session.run(ort);
  const us = [];
  for (let i = 0; i < times; i++) {
    const started = process.hrtime.bigint();
    await session.run(ort);
    us.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  us.sort((a, b) => a - b);
  return us[Math.floor(us.length / 4)];
}

/**
 * Handles one message: `meta` (signature + provider), `warmup` (one run on zeros), `measure` (the run cost on one
 * row and on `rows` rows), `run` (feeds → outputs) or `runMany` (several requests that queued together). The reply
 * is the result; a failure of the whole message (the model did not load, a `run` failed) is `{ failed: message }`,
 * a failed request inside `runMany` is `{ error }`.
 */
async function handle(task, transfer) {
  const { session, provider, fallbackReason } = await loaded;
  if (task.op === "run") return runOne(session, task, transfer);
  if (task.op === "runMany") {
    // Several independent requests in one message (queued while this worker was busy): one thread hop for all.
    const results = [];
    for (const t of task.tasks) {
      try {
        results.push(await runOne(session, t, transfer));
      } catch (error) {
        results.push({ error: error instanceof Error ? error.message : String(error) });
      }
    }
    return results;
  }
  if (task.op === "meta") {
    return { inputs: session.inputMetadata, outputs: session.outputMetadata, provider, fallbackReason };
  }
  if (task.op === "warmup") {
    await session.run(toOrtFeeds(zeroFeeds(session.inputMetadata).feeds));
    return { ok: true };
  }
  if (task.op === "measure") {
    const one = zeroFeeds(session.inputMetadata, 1);
    const oneUs = await runCostUs(session, one.feeds, 16);
    if (!hasDynamicRows(session.inputMetadata) || task.rows <= 1) return { oneUs, oneElements: one.elements };
    const many = zeroFeeds(session.inputMetadata, task.rows);
    try {
      const manyUs = await runCostUs(session, many.feeds, 8);
      return { oneUs, oneElements: one.elements, manyUs, manyElements: many.elements };
    } catch {
      // A symbolic first dimension that is not a batch dimension: the cost is estimated from one row.
      return { oneUs, oneElements: one.elements };
    }
  }
  throw new Error(`unknown operation ${String(task.op)}`);
}

// Messages are handled one at a time, in order: the pool matches each reply to the oldest message it sent.
const port = /** @type {import("node:worker_threads").MessagePort} */ (parentPort);
const queue = [];
let running = false;

async function drain() {
  running = true;
  while (queue.length > 0) {
    const task = queue.shift();
    const transfer = [];
    let reply;
    try {
      reply = await handle(task, transfer);
    } catch (error) {
      reply = { failed: error instanceof Error ? error.message : String(error) };
      transfer.length = 0;
    }
    // Large output buffers move to the HTTP thread instead of being copied.
    port.postMessage(reply, transfer);
  }
  running = false;
}

port.on("message", (task) => {
  queue.push(task);
  if (!running) void drain();
});

async function runOne(session, task, transfer) {
  const feeds = toOrtFeeds(task.feeds);
  const started = process.hrtime.bigint();
  const results = task.fetches ? await session.run(feeds, task.fetches) : await session.run(feeds);
  const computeUs = Number(process.hrtime.bigint() - started) / 1000;
  const outputs = fromOrtResults(results);
  for (const name in outputs) {
    const data = outputs[name].data;
    // Large outputs move without a copy; below 64 KiB copying is cheaper than detaching the buffer.
    if (!Array.isArray(data) && data.byteLength >= 65536 && data.byteLength === data.buffer.byteLength)
      transfer.push(data.buffer);
  }
  return { outputs, computeUs };
}
