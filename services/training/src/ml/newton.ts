/**
 * Binary logistic regression by Newton's method (iteratively reweighted least squares) with L2 on the weights,
 * on a column-stored standardised design matrix: one fused pass per iteration gives the loss, the gradient and
 * the Hessian, converging in a handful of iterations where minibatch gradient descent needs hundreds of passes.
 * The loss that accepts a step is the one the next iteration's pass computes anyway, so a step that decreases the
 * loss costs no extra pass; only an overshoot (nearly separable data) backtracks with loss-only passes. The
 * result is softmax parameters (class 0's logit fixed at 0), the shape the ONNX export and `predictNet` handle.
 */
import { type DesignMatrix, linearScores } from "./design-matrix.js";
import { weightedGram, weightedSums } from "./gram.js";
import { solve } from "./linear.js";
import { type CurvePoint, type ModelParams, f32 } from "./model.js";

/** Standardised rows and their 0/1 targets. */
export interface BinarySet {
  x: DesignMatrix;
  y: Float64Array;
}

/** A set with per-row scratch arrays that every pass reuses: scores, residuals p − y, Hessian weights p(1 − p). */
type WorkingSet = BinarySet & { work: { s: Float64Array; r: Float64Array; v: Float64Array } };

const working = (set: BinarySet): WorkingSet => ({
  ...set,
  work: { s: new Float64Array(set.x.rows), r: new Float64Array(set.x.rows), v: new Float64Array(set.x.rows) },
});

/** The summed log-loss at some weights and, when asked for, the gradient and Hessian (upper triangle) sums. */
interface Evaluation {
  loss: number;
  g?: Float64Array;
  H?: Float64Array;
}

/** One pass over `set` at weights `w` (intercept last); `curvature` adds the gradient and the Hessian. */
function evaluate(set: WorkingSet, w: Float64Array, curvature: boolean): Evaluation {
  const { x, y } = set;
  const d = x.columns;
  const { s, r, v } = set.work;
  linearScores(x, w, w[d] as number, s);
  let loss = 0;
  for (let i = 0; i < s.length; i++) {
    // The logistic function, from one exp of −|z| (never overflows): 1/(1+e^−z), or e^z/(1+e^z) for z < 0.
    const z = s[i] as number;
    const e = Math.exp(-Math.abs(z));
    const p = z >= 0 ? 1 / (1 + e) : e / (1 + e);
    const yi = y[i] as number;
    loss -= Math.log(Math.max(1e-15, yi === 1 ? p : 1 - p));
    if (curvature) {
      r[i] = p - yi;
      v[i] = Math.max(p * (1 - p), 1e-10);
    }
  }
  if (!curvature) return { loss };
  const g = weightedSums(x, r);
  const H = weightedGram(x, v);
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
  const t = working(train),
    val = working(validation);
  const curve: CurvePoint[] = [];
  const penalty = (v: Float64Array): number => (l2 / 2) * v.subarray(0, d).reduce((s, x) => s + x * x, 0);
  const meanLoss = (set: WorkingSet, at: Float64Array): number =>
    set.x.rows ? evaluate(set, at, false).loss / set.x.rows : NaN;
  let here = evaluate(t, w, true);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const { g, H } = here.g && here.H ? here : evaluate(t, w, true);
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
    let scale = 1;
    let next = w;
    let at: Evaluation = here;
    for (let k = 0; k < 20; k++, scale /= 2) {
      next = Float64Array.from(w, (v, a) => v - scale * (step[a] ?? 0));
      at = evaluate(t, next, k === 0 && largest >= 1e-5 && iteration < maxIterations);
      if (at.loss / rows + penalty(next) <= before) break;
    }
    const moved = largest * scale;
    w.set(next);
    here = at;
    curve.push({ step: iteration, train: at.loss / rows, validation: meanLoss(val, w) });
    if (moved < 1e-5) break; // standardised inputs: weights settled to 1e-5
  }
  const W = Array.from({ length: d }, (_, j) => [0, w[j] as number]);
  return { params: { kind: "softmax", W: f32(W), b: f32([[0, w[d] as number]])[0] ?? [0, 0] }, curve };
}
