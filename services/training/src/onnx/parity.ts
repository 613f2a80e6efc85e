/**
 * The export gate: runs the ONNX bytes with onnxruntime-node over the raw test rows (text, missing values and all)
 * and compares every prediction with the in-memory model on the same rows. Probabilities must agree within 1e-5; regression values within 1e-5 relative to
 * max(1, |value|); labels must be equal unless the in-memory top two probabilities tie within 1e-5.
 */
import type { RowValues } from "../data/schema.js";
import { encodeRows } from "../data/table.js";
import { predict } from "../ml/fit.js";
import { argmax } from "../ml/metrics.js";
import type { TrainedModel } from "../ml/model.js";
import { signatureOf, type ExportMeta } from "./export.js";
import { runOnnxRows } from "./feeds.js";

/** The tolerance of the parity check. */
export const parityTolerance = 1e-5;

/** Thrown when the exported model disagrees with the in-memory one; fails the training job. */
export class ParityError extends Error {
  override readonly name = "ParityError";
}

/** Compares ONNX with the in-memory model on `rows`; returns the largest difference or throws {@link ParityError}. */
export async function checkParity(
  model: TrainedModel,
  bytes: Uint8Array,
  rows: readonly RowValues[],
  meta: ExportMeta,
): Promise<{ rows: number; maxAbsDiff: number }> {
  if (rows.length === 0) throw new ParityError("parity check: no test rows to compare");
  const mine = predict(model, encodeRows(meta.features, rows));
  const names = meta.classes?.names ?? [];
  const theirs = await runOnnxRows(bytes, signatureOf(model, meta).inputs, rows, { classNames: names });
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
      if (theirs.label?.[i] !== names[label] && !tie) fail(i, `label ${theirs.label?.[i]} vs ${names[label]}`);
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
