// One onnxruntime InferenceSession per worker thread (serving.md §0.1: session.run() blocks its thread).
// Plain JavaScript on purpose: worker threads do not inherit tsx's in-process loader (the CLI registers
// tsx through its API), so this entry needs no TypeScript loader under vitest, tsx or `node --import tsx`.
import { readFile } from "node:fs/promises";
import { parentPort, workerData } from "node:worker_threads";
import * as ort from "onnxruntime-node";

/** @type {{ modelPath?: string; modelBytes?: Uint8Array; intraOpNumThreads: number; device: "cpu" | "cuda" }} */
const options = workerData;

async function createSession() {
  const bytes = options.modelBytes ?? new Uint8Array(await readFile(/** @type {string} */ (options.modelPath)));
  const base = {
    intraOpNumThreads: options.intraOpNumThreads,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
    // Idle intra-op threads sleep instead of spinning: the pod's cores are shared with the HTTP thread.
    extra: { session: { intra_op: { allow_spinning: "0" } } },
  };
  if (options.device === "cuda") {
    try {
      const session = await ort.InferenceSession.create(bytes, { ...base, executionProviders: ["cuda", "cpu"] });
      return { session, provider: "cuda", fallbackReason: undefined };
    } catch (error) {
      const session = await ort.InferenceSession.create(bytes, { ...base, executionProviders: ["cpu"] });
      return {
        session,
        provider: "cpu",
        fallbackReason: `CUDA execution provider unavailable: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }
  const session = await ort.InferenceSession.create(bytes, { ...base, executionProviders: ["cpu"] });
  return { session, provider: "cpu", fallbackReason: undefined };
}

/**
 * A float16 tensor from raw IEEE 754 half bits. Where `Float16Array` exists (Node 24), onnxruntime-common wraps a
 * Uint16Array in a Float16Array, which the 1.30 native binding cannot read ("not enough space: expected N, got 0"),
 * so the tensor keeps exposing the bits it was given. Without `Float16Array` the constructor keeps them anyway.
 */
function float16Tensor(bits, dims) {
  const tensor = new ort.Tensor("float16", bits, dims);
  if (!(tensor.data instanceof Uint16Array)) Object.defineProperty(tensor, "data", { value: bits });
  return tensor;
}

/** A float16 output's half bits: a Uint16Array view of the Float16Array onnxruntime returns where that type exists. */
function float16Bits(data) {
  return data instanceof Uint16Array ? data : new Uint16Array(data.buffer, data.byteOffset, data.length);
}

const loaded = createSession();
// A failed load rejects every task with the load error; keep the rejection from being reported as unhandled.
loaded.catch(() => undefined);

function zeros(meta) {
  const dims = (meta.shape ?? []).map((d) => (typeof d === "number" && d > 0 ? d : 1));
  const n = dims.reduce((a, b) => a * b, 1);
  switch (meta.type) {
    case "string":
      return new ort.Tensor("string", new Array(n).fill(""), dims);
    case "bool":
      return new ort.Tensor("bool", new Uint8Array(n), dims);
    case "int64":
      return new ort.Tensor("int64", new BigInt64Array(n), dims);
    case "uint64":
      return new ort.Tensor("uint64", new BigUint64Array(n), dims);
    case "float16":
      return float16Tensor(new Uint16Array(n), dims);
    default: {
      const Ctor = {
        float32: Float32Array,
        float64: Float64Array,
        int32: Int32Array,
        int16: Int16Array,
        int8: Int8Array,
        uint32: Uint32Array,
        uint16: Uint16Array,
        uint8: Uint8Array,
      }[meta.type];
      return new ort.Tensor(meta.type, new Ctor(n), dims);
    }
  }
}

/**
 * Handles one message: `meta` (signature + provider), `warmup` (one run on zeros), `run` (feeds → outputs) or
 * `runMany` (several requests that queued together). The reply is the result; a failure of the whole message (the
 * model did not load, a `run` failed) is `{ failed: message }`, a failed request inside `runMany` is `{ error }`.
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
    const feeds = {};
    for (const m of session.inputMetadata) feeds[m.name] = zeros(m);
    await session.run(feeds);
    return { ok: true };
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
  const feeds = {};
  for (const name in task.feeds) {
    const t = task.feeds[name];
    feeds[name] = t.type === "float16" ? float16Tensor(t.data, t.dims) : new ort.Tensor(t.type, t.data, t.dims);
  }
  const started = process.hrtime.bigint();
  const results = task.fetches ? await session.run(feeds, task.fetches) : await session.run(feeds);
  const computeUs = Number(process.hrtime.bigint() - started) / 1000;
  const outputs = {};
  for (const name in results) {
    const t = results[name];
    const data = t.type === "float16" ? float16Bits(t.data) : t.data;
    outputs[name] = { type: t.type, dims: t.dims, data };
    // Large outputs move without a copy; below 64 KiB copying is cheaper than detaching the buffer.
    if (!Array.isArray(data) && data.byteLength >= 65536 && data.byteLength === data.buffer.byteLength)
      transfer.push(data.buffer);
  }
  return { outputs, computeUs };
}
