// Wire tensors ⇄ onnxruntime tensors, shared by the session workers and the inline session on the event loop.
// Plain JavaScript on purpose: worker threads do not inherit tsx's in-process loader (see session-worker.mjs).
import * as ort from "onnxruntime-node";

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

/** Wire feeds → onnxruntime tensors (no copy of the data). */
export function toOrtFeeds(feeds) {
  const out = {};
  for (const name in feeds) {
    const t = feeds[name];
    out[name] = t.type === "float16" ? float16Tensor(t.data, t.dims) : new ort.Tensor(t.type, t.data, t.dims);
  }
  return out;
}

/** onnxruntime results → wire tensors (no copy of the data). */
export function fromOrtResults(results) {
  const outputs = {};
  for (const name in results) {
    const t = results[name];
    outputs[name] = { type: t.type, dims: t.dims, data: t.type === "float16" ? float16Bits(t.data) : t.data };
  }
  return outputs;
}

const ARRAYS = {
  bool: Uint8Array,
  uint8: Uint8Array,
  int8: Int8Array,
  uint16: Uint16Array,
  int16: Int16Array,
  float16: Uint16Array,
  uint32: Uint32Array,
  int32: Int32Array,
  float32: Float32Array,
  uint64: BigUint64Array,
  int64: BigInt64Array,
  float64: Float64Array,
};

/**
 * Wire feeds of zeros for every input, dynamic dimensions set to 1 except the first, set to `rows`: what warmup
 * runs and what the run cost is measured on. `elements` is the total input element count.
 */
export function zeroFeeds(inputMetadata, rows = 1) {
  const feeds = {};
  let elements = 0;
  for (const m of inputMetadata) {
    const dims = (m.shape ?? []).map((d, i) => (typeof d === "number" && d > 0 ? d : i === 0 ? rows : 1));
    const n = dims.reduce((a, b) => a * b, 1);
    elements += n;
    const data = m.type === "string" ? new Array(n).fill("") : new ARRAYS[m.type](n);
    feeds[m.name] = { type: m.type, dims, data };
  }
  return { feeds, elements };
}

/** True when the first dimension of every input is dynamic (a batch dimension the cost can be measured along). */
export function hasDynamicRows(inputMetadata) {
  return inputMetadata.every((m) => typeof (m.shape ?? [])[0] !== "number" || m.shape[0] <= 0);
}

/** Options shared by every session: sequential, fully optimised, intra-op threads that sleep when idle. */
export function sessionOptions(intraOpNumThreads, executionProviders) {
  return {
    intraOpNumThreads,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
    executionProviders,
    // Idle intra-op threads sleep instead of spinning: the pod's cores are shared with the HTTP thread.
    extra: { session: { intra_op: { allow_spinning: "0" } } },
  };
}

/** Creates a session from a model path or bytes. */
export async function createSession(model, options) {
  const bytes = model.bytes ?? new Uint8Array(await (await import("node:fs/promises")).readFile(model.path));
  return ort.InferenceSession.create(bytes, options);
}
