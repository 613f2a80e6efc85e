/**
 * The export gate: runs the ONNX bytes with onnxruntime-node over the test rows and compares every prediction with
 * the in-memory model. Probabilities must agree within 1e-5; regression values within 1e-5 relative to
 * max(1, |value|); labels must be equal unless the in-memory top two probabilities tie within 1e-5.
 */
import * as ort from "onnxruntime-node";
import { predict } from "../ml/fit.js";
import { argmax } from "../ml/metrics.js";
import type { TrainedModel } from "../ml/model.js";
import { inputName } from "./export.js";

/** The tolerance of the parity check. */
export const parityTolerance = 1e-5;

/** Thrown when the exported model disagrees with the in-memory one; fails the training job. */
export class ParityError extends Error {
  override readonly name = "ParityError";
}

/** Runs `bytes` on `rows` with onnxruntime (CPU) and returns its outputs as plain arrays. */
export async function runOnnx(
  bytes: Uint8Array,
  rows: readonly (readonly number[])[],
): Promise<{ label?: number[]; probabilities?: number[][]; prediction?: number[] }> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ["cpu"] });
  try {
    const d = rows[0]?.length ?? 0;
    const input = new ort.Tensor("float32", Float32Array.from(rows.flat()), [rows.length, d]);
    const out = await session.run({ [inputName]: input });
    const result: { label?: number[]; probabilities?: number[][]; prediction?: number[] } = {};
    if (out.label) result.label = Array.from(out.label.data as BigInt64Array, (v) => Number(v));
    if (out.probabilities) {
      const data = out.probabilities.data as Float32Array;
      const c = out.probabilities.dims[1] ?? 1;
      result.probabilities = Array.from({ length: rows.length }, (_, i) => Array.from(data.subarray(i * c, i * c + c)));
    }
    if (out.prediction) result.prediction = Array.from(out.prediction.data as Float32Array);
    return result;
  } finally {
    await session.release();
  }
}

/** Compares ONNX with the in-memory model on `rows`; returns the largest difference or throws {@link ParityError}. */
export async function checkParity(
  model: TrainedModel,
  bytes: Uint8Array,
  rows: readonly (readonly number[])[],
): Promise<{ rows: number; maxAbsDiff: number }> {
  if (rows.length === 0) throw new ParityError("parity check: no test rows to compare");
  const mine = predict(model, rows);
  const theirs = await runOnnx(bytes, rows);
  let maxAbsDiff = 0;
  const fail = (i: number, what: string): never => {
    throw new ParityError(`ONNX parity check failed on test row ${i}: ${what} (tolerance ${parityTolerance})`);
  };
  rows.forEach((_, i) => {
    if (model.task === "classification") {
      const p = mine.probabilities?.[i] ?? [];
      const q = theirs.probabilities?.[i];
      if (!q || q.length !== p.length) fail(i, `probabilities shape ${q?.length} ≠ ${p.length}`);
      p.forEach((v, k) => {
        const diff = Math.abs(v - (q?.[k] ?? NaN));
        maxAbsDiff = Math.max(maxAbsDiff, diff);
        if (!(diff <= parityTolerance)) fail(i, `probability[${k}] ${q?.[k]} vs ${v}`);
      });
      const label = argmax(p);
      const sorted = [...p].sort((a, b) => b - a);
      const tie = (sorted[0] ?? 0) - (sorted[1] ?? -Infinity) <= parityTolerance;
      if (theirs.label?.[i] !== label && !tie) fail(i, `label ${theirs.label?.[i]} vs ${label}`);
    } else {
      const v = mine.values?.[i] ?? NaN;
      const w = theirs.prediction?.[i] ?? NaN;
      const diff = Math.abs(v - w);
      maxAbsDiff = Math.max(maxAbsDiff, diff);
      if (!(diff <= parityTolerance * Math.max(1, Math.abs(v)))) fail(i, `prediction ${w} vs ${v}`);
    }
  });
  return { rows: rows.length, maxAbsDiff };
}
