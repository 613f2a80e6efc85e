/**
 * Binary logistic regression by Newton's method (iteratively reweighted least squares) with L2 on the weights:
 * one pass over the rows per iteration, in typed arrays, converging in a handful of iterations where minibatch
 * gradient descent needs hundreds of passes. The result is softmax parameters (class 0's logit fixed at 0), the
 * same model shape the ONNX export and `predictNet` already handle.
 */
import { solve } from "./linear.js";
import { type CurvePoint, type ModelParams, f32 } from "./model.js";

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

function meanLogLoss(x: readonly (readonly number[])[], y: readonly number[], w: Float64Array, d: number): number {
  if (x.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const row = x[i] as readonly number[];
    let z = w[d] as number;
    for (let j = 0; j < d; j++) z += (row[j] as number) * (w[j] as number);
    const p = sigmoid(z);
    s -= Math.log(Math.max(1e-15, y[i] === 1 ? p : 1 - p));
  }
  return s / x.length;
}

/** Fits on standardised rows with 0/1 targets; `l2` penalises the weights (not the intercept) on the mean loss. */
export function trainBinaryNewton(
  train: { x: readonly (readonly number[])[]; y: readonly number[] },
  validation: { x: readonly (readonly number[])[]; y: readonly number[] },
  l2: number,
  maxIterations = 30,
): { params: ModelParams; curve: CurvePoint[] } {
  const d = train.x[0]?.length ?? 0;
  const n = d + 1;
  const rows = train.x.length;
  const w = new Float64Array(n);
  const z = new Float64Array(n);
  z[d] = 1;
  const curve: CurvePoint[] = [];
  const penalty = (v: Float64Array): number => (l2 / 2) * v.subarray(0, d).reduce((s, x) => s + x * x, 0);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    // One pass: the gradient, the Hessian and the loss at the current weights.
    const g = new Float64Array(n);
    const H = new Float64Array(n * n);
    let loss = 0;
    for (let i = 0; i < rows; i++) {
      const row = train.x[i] as readonly number[];
      let s = w[d] as number;
      for (let j = 0; j < d; j++) {
        z[j] = row[j] as number;
        s += (z[j] as number) * (w[j] as number);
      }
      const p = sigmoid(s);
      const yi = train.y[i] as number;
      loss -= Math.log(Math.max(1e-15, yi === 1 ? p : 1 - p));
      const r = p - yi;
      const v = Math.max(p * (1 - p), 1e-10);
      for (let a = 0; a < n; a++) {
        const za = z[a] as number;
        g[a] = (g[a] as number) + r * za;
        for (let b = a; b < n; b++) H[a * n + b] = (H[a * n + b] as number) + v * za * (z[b] as number);
      }
    }
    const before = loss / rows + penalty(w);
    const A = Array.from({ length: n }, (_, a) =>
      Array.from({ length: n }, (_, b) => ((a <= b ? H[a * n + b] : H[b * n + a]) as number) / rows),
    );
    const grad = Array.from(g, (v, a) => v / rows + (a < d ? l2 * (w[a] as number) : 0));
    for (let a = 0; a < d; a++) (A[a] as number[])[a] = (A[a]?.[a] ?? 0) + l2 + 1e-12;
    const step = solve(A, grad);
    // Halve the step until the penalised loss does not grow (Newton can overshoot on nearly separable data).
    let t = 1;
    let next = w;
    let trainLoss = before;
    for (let k = 0; k < 20; k++, t /= 2) {
      next = Float64Array.from(w, (v, a) => v - t * (step[a] ?? 0));
      trainLoss = meanLogLoss(train.x, train.y, next, d);
      if (trainLoss + penalty(next) <= before) break;
    }
    const moved = step.reduce((m, s) => Math.max(m, Math.abs(t * s)), 0);
    w.set(next);
    curve.push({ step: iteration, train: trainLoss, validation: meanLogLoss(validation.x, validation.y, w, d) });
    if (moved < 1e-5) break; // standardised inputs: weights settled to 1e-5
  }
  const W = Array.from({ length: d }, (_, j) => [0, w[j] as number]);
  return { params: { kind: "softmax", W: f32(W), b: f32([[0, w[d] as number]])[0] ?? [0, 0] }, curve };
}
