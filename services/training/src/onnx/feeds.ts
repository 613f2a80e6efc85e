/**
 * Raw rows ↔ onnxruntime tensors, by a model's recorded signature: what batch scoring, the promotion gate, the
 * parity gate and `register`'s evaluation all feed a model. One input per column (numbers FP32/FP64 with missing →
 * NaN; text BYTES with missing → ""), or, for models that take one `[N, d]` matrix, the named columns in order.
 */
import type { TensorSpec } from "@ai-platform/registry";
import * as ort from "onnxruntime-node";
import { asNumber, type RowValues } from "../data/schema.js";

/** A model's outputs as plain arrays: class labels as strings, probabilities per row, regression values. */
export interface ModelOutputs {
  label?: string[];
  probabilities?: number[][];
  prediction?: number[];
}

function numeric(v: RowValues[string] | undefined): number {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  return typeof v === "string" ? (asNumber(v) ?? NaN) : NaN;
}

/**
 * Builds the feeds for `rows`. `matrixColumns` names the columns of a single `[N, d]` input (older models record
 * them as their baseline's feature names).
 */
export function feedsFor(
  inputs: readonly TensorSpec[],
  rows: readonly RowValues[],
  matrixColumns: readonly string[] = [],
): Record<string, ort.Tensor> {
  const only = inputs[0];
  if (inputs.length === 1 && only && only.shape.length === 2 && matrixColumns.length > 0) {
    const d = matrixColumns.length;
    const data = new Float32Array(rows.length * d);
    rows.forEach((r, i) => matrixColumns.forEach((c, j) => (data[i * d + j] = numeric(r[c]))));
    return { [only.name]: new ort.Tensor("float32", data, [rows.length, d]) };
  }
  const feeds: Record<string, ort.Tensor> = {};
  for (const spec of inputs) {
    const shape = spec.shape.length === 2 ? [rows.length, 1] : [rows.length];
    const col = rows.map((r) => r[spec.name]);
    switch (spec.datatype) {
      case "BYTES":
        feeds[spec.name] = new ort.Tensor(
          "string",
          col.map((v) => (v === null || v === undefined ? "" : String(v))),
          shape,
        );
        break;
      case "FP64":
        feeds[spec.name] = new ort.Tensor("float64", Float64Array.from(col, numeric), shape);
        break;
      case "INT64":
        feeds[spec.name] = new ort.Tensor(
          "int64",
          BigInt64Array.from(col, (v) => BigInt(Math.trunc(numeric(v) || 0))),
          shape,
        );
        break;
      case "INT32":
        feeds[spec.name] = new ort.Tensor(
          "int32",
          Int32Array.from(col, (v) => Math.trunc(numeric(v) || 0)),
          shape,
        );
        break;
      case "BOOL":
        feeds[spec.name] = new ort.Tensor(
          "bool",
          Uint8Array.from(col, (v) => (numeric(v) ? 1 : 0)),
          shape,
        );
        break;
      default:
        feeds[spec.name] = new ort.Tensor("float32", Float32Array.from(col, numeric), shape);
    }
  }
  return feeds;
}

/** Output names that mean the class label, the class probabilities and a regression value (ours and skl2onnx's). */
const labelNames = ["label", "output_label"];
const probabilityNames = ["probabilities", "output_probability", "probability"];
const predictionNames = ["prediction", "variable", "output"];

function first(out: ort.InferenceSession.ReturnType, names: readonly string[]): ort.Tensor | undefined {
  for (const n of names) if (out[n]) return out[n];
  return undefined;
}

/**
 * Reads a session's outputs. Classification: the label (strings, or integers as strings; a legacy INT64 class
 * index maps through `classNames`) and probabilities [N, C]; regression: the prediction (or the only output).
 */
export function readOutputs(out: ort.InferenceSession.ReturnType, classNames: readonly string[] = []): ModelOutputs {
  const result: ModelOutputs = {};
  const label = first(out, labelNames);
  if (label) {
    const raw = Array.from(label.data as ArrayLike<string | bigint | number>);
    result.label =
      label.type === "string"
        ? (raw as string[])
        : raw.map((v) =>
            classNames.length > 0 && !classNames.includes(String(v)) ? (classNames[Number(v)] ?? String(v)) : String(v),
          );
  }
  const probs = first(out, probabilityNames);
  if (probs && probs.dims.length === 2) {
    const data = probs.data as Float32Array;
    const n = probs.dims[0] ?? 0;
    const c = probs.dims[1] ?? 1;
    result.probabilities = Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * c, i * c + c)));
  }
  const prediction = first(out, predictionNames) ?? (Object.keys(out).length === 1 ? Object.values(out)[0] : undefined);
  if (prediction && !label) result.prediction = Array.from(prediction.data as ArrayLike<number>, Number);
  return result;
}

/** Runs `bytes` on raw rows with onnxruntime (CPU). */
export async function runOnnxRows(
  bytes: Uint8Array,
  inputs: readonly TensorSpec[],
  rows: readonly RowValues[],
  opts: { classNames?: readonly string[]; matrixColumns?: readonly string[] } = {},
): Promise<ModelOutputs> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ["cpu"] });
  try {
    return readOutputs(await session.run(feedsFor(inputs, rows, opts.matrixColumns)), opts.classNames);
  } finally {
    await session.release();
  }
}
