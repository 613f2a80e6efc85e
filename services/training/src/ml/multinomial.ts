/**
 * Multiclass (multinomial) logistic regression by Newton's method, with L2 on the weights, on a column-stored
 * standardised design matrix. Class 0's logit is fixed at 0, so the parameters are K−1 weight vectors of d+1 (the
 * intercept last) and the Hessian is ((K−1)(d+1))² built from weighted Gram blocks Σ pₐ(δₐᵦ − pᵦ)·z·zᵀ: a handful
 * of passes where minibatch gradient descent needs hundreds. The result is the softmax parameters the ONNX export and
 * `predictNet` already handle. Used when that Hessian stays small (see {@link multinomialNewtonFits}).
 */
import { type DesignMatrix, linearScores } from "./design-matrix.js";
import { weightedGram, weightedSums } from "./gram.js";
import { solve } from "./linear.js";
import { type CurvePoint, type ModelParams, f32 } from "./model.js";
import { subsample } from "./newton.js";

/** Standardised rows and their class indices 0..K−1. */
export interface MulticlassSet {
  x: DesignMatrix;
  y: Float64Array;
}

/** Below this largest step, the next iteration reuses the current Hessian. */
const reuseHessianBelow = 1e-3;

/** Newton is used while its linear system has at most this many unknowns ((K−1)·(d+1)). */
const maxUnknowns = 400;

/** Whether Newton's method is the right solver for `classes` classes over `features` encoded features. */
export function multinomialNewtonFits(classes: number, features: number): boolean {
  return classes > 2 && (classes - 1) * (features + 1) <= maxUnknowns;
}

/** Class probabilities of every row at weights `w` (class k ≥ 1 at `w[(k−1)(d+1)…]`), and the summed log-loss. */
function probabilities(set: MulticlassSet, w: Float64Array, classes: number): { p: Float64Array[]; loss: number } {
  const d = set.x.columns;
  const rows = set.x.rows;
  const scores = Array.from({ length: classes - 1 }, (_, k) => {
    const wk = w.subarray(k * (d + 1), (k + 1) * (d + 1));
    return linearScores(set.x, wk, wk[d] as number);
  });
  const p = Array.from({ length: classes }, () => new Float64Array(rows));
  let loss = 0;
  for (let i = 0; i < rows; i++) {
    let max = 0; // class 0's logit
    for (let k = 0; k < classes - 1; k++) max = Math.max(max, (scores[k] as Float64Array)[i] as number);
    let sum = Math.exp(-max);
    (p[0] as Float64Array)[i] = sum;
    for (let k = 1; k < classes; k++) {
      const e = Math.exp(((scores[k - 1] as Float64Array)[i] as number) - max);
      (p[k] as Float64Array)[i] = e;
      sum += e;
    }
    for (let k = 0; k < classes; k++) (p[k] as Float64Array)[i] = ((p[k] as Float64Array)[i] as number) / sum;
    loss -= Math.log(Math.max(1e-15, (p[set.y[i] as number] as Float64Array)[i] as number));
  }
  return { p, loss };
}

/** The mean gradient and Hessian (penalty included) of the loss at probabilities `p`. */
function newtonSystem(
  set: MulticlassSet,
  p: Float64Array[],
  w: Float64Array,
  l2: number,
  hessian: boolean,
): { A: number[][]; grad: number[] } {
  const d = set.x.columns;
  const n = d + 1;
  const rows = set.x.rows;
  const K = p.length;
  const size = (K - 1) * n;
  const A = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  const grad = new Array<number>(size).fill(0);
  for (let a = 1; a < K; a++) {
    const pa = p[a] as Float64Array;
    const r = Float64Array.from(pa, (v, i) => v - (set.y[i] === a ? 1 : 0));
    weightedSums(set.x, r).forEach((g, j) => (grad[(a - 1) * n + j] = g / rows));
    for (let b = a; hessian && b < K; b++) {
      const pb = p[b] as Float64Array;
      const v = Float64Array.from(pa, (va, i) => (a === b ? va * (1 - va) : -va * (pb[i] as number)));
      const G = weightedGram(set.x, v);
      for (let q = 0; q < n; q++)
        for (let t = q; t < n; t++) {
          const g = (G[q * n + t] as number) / rows;
          for (const [r0, c0] of [
            [(a - 1) * n, (b - 1) * n],
            [(b - 1) * n, (a - 1) * n],
          ] as const) {
            (A[r0 + q] as number[])[c0 + t] = g;
            (A[r0 + t] as number[])[c0 + q] = g;
          }
        }
    }
  }
  for (let k = 0; k < K - 1; k++)
    for (let j = 0; j < d; j++) {
      const at = k * n + j;
      grad[at] = (grad[at] as number) + l2 * (w[at] as number);
      (A[at] as number[])[at] = (A[at]?.[at] ?? 0) + l2 + 1e-12;
    }
  return { A, grad };
}

/**
 * Fits on standardised rows with class indices 0..`classes`−1; `l2` penalises the weights (not the intercepts) on
 * the mean loss. Stops once the weights settle to 1e-5 (standardised inputs), halving a step that would raise the
 * loss; one curve point (mean train and validation loss) per iteration.
 */
export function trainMultinomialNewton(
  train: MulticlassSet,
  validation: MulticlassSet,
  classes: number,
  l2: number,
  maxIterations = 30,
): { params: ModelParams; curve: CurvePoint[] } {
  const d = train.x.columns;
  const n = d + 1;
  const w = new Float64Array((classes - 1) * n);
  // On a large table, start from the fit of a regular subsample: the full table then needs only the last few
  // (quadratically converging) iterations.
  const sample = subsample(train);
  if (sample) iterate(sample, validation, w, classes, l2, { tolerance: 1e-3, maxIterations, curve: false });
  const curve = iterate(train, validation, w, classes, l2, { tolerance: 1e-5, maxIterations, curve: true });
  const W = Array.from({ length: d }, (_, j) => [0, ...Array.from({ length: classes - 1 }, (_, k) => w[k * n + j])]);
  const b = [0, ...Array.from({ length: classes - 1 }, (_, k) => w[k * n + d] as number)];
  return { params: { kind: "softmax", W: f32(W as number[][]), b: f32([b])[0] ?? b }, curve };
}

/** Newton iterations from `w` (updated in place) until the largest step is under `tolerance`. */
function iterate(
  train: MulticlassSet,
  validation: MulticlassSet,
  w: Float64Array,
  classes: number,
  l2: number,
  opts: { tolerance: number; maxIterations: number; curve: boolean },
): CurvePoint[] {
  const d = train.x.columns;
  const n = d + 1;
  const penalty = (v: Float64Array): number => {
    let s = 0;
    for (let k = 0; k < classes - 1; k++) for (let j = 0; j < d; j++) s += (v[k * n + j] as number) ** 2;
    return (l2 / 2) * s;
  };
  const mean = (set: MulticlassSet, v: Float64Array) =>
    set.x.rows ? probabilities(set, v, classes).loss / set.x.rows : NaN;
  const curve: CurvePoint[] = [];
  let here = probabilities(train, w, classes);
  let A: number[][] = [];
  let largest = Infinity;
  for (let iteration = 1; iteration <= opts.maxIterations; iteration++) {
    const before = here.loss / train.x.rows + penalty(w);
    // Once steps are small the weights barely move, and the last Hessian still points the way: only the gradient
    // is recomputed (the Gram blocks are most of an iteration's work).
    const system = newtonSystem(train, here.p, w, l2, largest >= reuseHessianBelow);
    if (largest >= reuseHessianBelow) A = system.A;
    const step = solve(A, system.grad);
    let scale = 1;
    let next = w;
    let at = here;
    for (let k = 0; k < 20; k++, scale /= 2) {
      next = Float64Array.from(w, (v, a) => v - scale * (step[a] ?? 0));
      at = probabilities(train, next, classes);
      if (at.loss / train.x.rows + penalty(next) <= before) break;
    }
    w.set(next);
    here = at;
    if (opts.curve) curve.push({ step: iteration, train: at.loss / train.x.rows, validation: mean(validation, w) });
    largest = step.reduce((m, s) => Math.max(m, Math.abs(s)), 0) * scale;
    if (largest < opts.tolerance) break;
  }
  return curve;
}
