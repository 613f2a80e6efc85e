/**
 * Binary logistic regression by Newton's method (iteratively reweighted least squares) with L2 on the weights,
 * on a column-stored standardised design matrix: one fused pass per iteration gives the loss, the gradient and
 * the Hessian, converging in a handful of iterations where minibatch gradient descent needs hundreds of passes.
 * The loss that accepts a step is the one the next iteration's pass computes anyway, so a step that decreases the
 * loss costs no extra pass; only an overshoot (nearly separable data) backtracks with loss-only passes. The
 * result is softmax parameters (class 0's logit fixed at 0), the shape the ONNX export and `predictNet` handle.
 */
import { type DesignMatrix, dot, linearScores, sum } from "./design-matrix.js";
import { solve } from "./linear.js";
import { type CurvePoint, type ModelParams, f32 } from "./model.js";

/** Standardised rows and their 0/1 targets. */
export interface BinarySet {
  x: DesignMatrix;
  y: Float64Array;
}

/** The summed log-loss at some weights and, when asked for, the gradient and Hessian (upper triangle) sums. */
interface Evaluation {
  loss: number;
  g?: Float64Array;
  H?: Float64Array;
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** One pass over `set` at weights `w` (intercept last); `curvature` adds the gradient and the Hessian. */
function evaluate(set: BinarySet, w: Float64Array, curvature: boolean): Evaluation {
  const { x, y } = set;
  const d = x.columns;
  const n = d + 1;
  const s = linearScores(x, w, w[d] as number);
  const r = curvature ? new Float64Array(s.length) : s; // residuals p − y
  const v = curvature ? new Float64Array(s.length) : s; // Hessian weights p(1 − p)
  let loss = 0;
  for (let i = 0; i < s.length; i++) {
    const p = sigmoid(s[i] as number);
    const yi = y[i] as number;
    loss -= Math.log(Math.max(1e-15, yi === 1 ? p : 1 - p));
    if (curvature) {
      r[i] = p - yi;
      v[i] = Math.max(p * (1 - p), 1e-10);
    }
  }
  if (!curvature) return { loss };
  const g = new Float64Array(n);
  const H = new Float64Array(n * n);
  const u = s; // the scores are spent: reuse their storage for v ⊙ x[:, a]
  for (let a = 0; a < d; a++) {
    const xa = x.column(a);
    g[a] = dot(r, xa);
    for (let i = 0; i < u.length; i++) u[i] = (v[i] as number) * (xa[i] as number);
    for (let b = a; b < d; b++) H[a * n + b] = dot(u, x.column(b));
    H[a * n + d] = sum(u);
  }
  g[d] = sum(r);
  H[d * n + d] = sum(v);
  return { loss, g, H };
}

/** Fits on standardised rows with 0/1 targets; `l2` penalises the weights (not the intercept) on the mean loss. */
export function trainBinaryNewton(
  train: BinarySet,
  validation: BinarySet,
  l2: number,
  maxIterations = 30,
): { params: ModelParams; curve: CurvePoint[] } {
  const d = train.x.columns;
  const n = d + 1;
  const rows = train.x.rows;
  const w = new Float64Array(n);
  const curve: CurvePoint[] = [];
  const penalty = (v: Float64Array): number => (l2 / 2) * v.subarray(0, d).reduce((s, x) => s + x * x, 0);
  const meanLoss = (set: BinarySet, at: Float64Array): number =>
    set.x.rows ? evaluate(set, at, false).loss / set.x.rows : NaN;
  let here = evaluate(train, w, true);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const { g, H } = here.g && here.H ? here : evaluate(train, w, true);
    const before = here.loss / rows + penalty(w);
    const A = Array.from({ length: n }, (_, a) =>
      Array.from({ length: n }, (_, b) => ((a <= b ? H?.[a * n + b] : H?.[b * n + a]) as number) / rows),
    );
    const grad = Array.from(g ?? [], (v, a) => v / rows + (a < d ? l2 * (w[a] as number) : 0));
    for (let a = 0; a < d; a++) (A[a] as number[])[a] = (A[a]?.[a] ?? 0) + l2 + 1e-12;
    const step = solve(A, grad);
    const largest = step.reduce((m, s) => Math.max(m, Math.abs(s)), 0);
    // Halve the step until the penalised loss does not grow (Newton can overshoot on nearly separable data). The
    // first try also takes the gradient and Hessian there, for the next iteration, unless this one is the last.
    let t = 1;
    let next = w;
    let at: Evaluation = here;
    for (let k = 0; k < 20; k++, t /= 2) {
      next = Float64Array.from(w, (v, a) => v - t * (step[a] ?? 0));
      at = evaluate(train, next, k === 0 && largest >= 1e-5 && iteration < maxIterations);
      if (at.loss / rows + penalty(next) <= before) break;
    }
    const moved = largest * t;
    w.set(next);
    here = at;
    curve.push({ step: iteration, train: at.loss / rows, validation: meanLoss(validation, w) });
    if (moved < 1e-5) break; // standardised inputs: weights settled to 1e-5
  }
  const W = Array.from({ length: d }, (_, j) => [0, w[j] as number]);
  return { params: { kind: "softmax", W: f32(W), b: f32([[0, w[d] as number]])[0] ?? [0, 0] }, curve };
}
