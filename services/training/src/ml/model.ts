/**
 * The trained-model shape shared by every algorithm: plain parameters (what ONNX export reads) plus the
 * preprocessing statistics that travel inside the model. Prediction is a pure function of these.
 */
import type { Standardizer } from "./preprocess.js";

/** The algorithms `train --algorithm` accepts. */
export const algorithms = ["logistic", "mlp", "linear", "forest"] as const;
/** One of {@link algorithms}. */
export type Algorithm = (typeof algorithms)[number];
/** Classification (class indices 0..C-1) or regression. */
export type Task = "classification" | "regression";

/** One decision tree in flat arrays; node 0 is the root; `feature[i] < 0` marks a leaf. */
export interface Tree {
  feature: number[];
  /** float32 threshold: `x[feature] < threshold` goes left (ONNX BRANCH_LT). */
  threshold: number[];
  left: number[];
  right: number[];
  /** Leaf output: class fractions (classification) or `[mean]` (regression); empty for split nodes. */
  value: number[][];
}

/** Parameters of each algorithm (weights are float32 values so the ONNX graph computes the same thing). */
export type ModelParams =
  | { kind: "softmax"; W: number[][]; b: number[] }
  | { kind: "mlp"; W1: number[][]; b1: number[]; W2: number[][]; b2: number[] }
  | { kind: "linear"; w: number[]; b: number }
  | { kind: "forest"; trees: Tree[] };

/** One point of a learning curve: loss (or error) on train and validation after `step` epochs/trees. */
export interface CurvePoint {
  step: number;
  train: number;
  validation: number;
}

/** A fitted model. */
export interface TrainedModel {
  algorithm: Algorithm;
  task: Task;
  /** Number of classes (classification) or 1. */
  outputs: number;
  standardizer: Standardizer;
  params: ModelParams;
  hyperparameters: Record<string, number>;
  curve: CurvePoint[];
}

/** Predictions on raw rows (NaN = missing): class probabilities, or regression values. */
export interface Predictions {
  probabilities?: number[][];
  values?: number[];
}

/** Numerically stable softmax of one row. */
export function softmax(z: readonly number[]): number[] {
  const max = Math.max(...z);
  const e = z.map((v) => Math.exp(v - max));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** `x · W + b` for one row (W is d × k). */
export function affine(x: readonly number[], W: readonly (readonly number[])[], b: readonly number[]): number[] {
  const out = [...b];
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] ?? 0;
    const row = W[i];
    if (!row || xi === 0) continue;
    for (let k = 0; k < out.length; k++) out[k] = (out[k] ?? 0) + xi * (row[k] ?? 0);
  }
  return out;
}

/** Walks one tree for one (imputed, float32) row and returns its leaf value. */
export function treeLeaf(tree: Tree, x: readonly number[]): number[] {
  let node = 0;
  for (;;) {
    const f = tree.feature[node] ?? -1;
    if (f < 0) return tree.value[node] ?? [];
    node = (x[f] ?? 0) < (tree.threshold[node] ?? 0) ? (tree.left[node] ?? 0) : (tree.right[node] ?? 0);
  }
}

/** Rounds a matrix to float32 values. */
export function f32(m: readonly (readonly number[])[]): number[][] {
  return m.map((r) => r.map((v) => Math.fround(v)));
}
