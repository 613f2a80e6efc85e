/**
 * Binary logistic regression by Newton's method (iteratively reweighted least squares) with L2 on the weights,
 * on a column-stored standardised design matrix: one fused pass per iteration gives the loss, the gradient and
 * the Hessian, converging in a handful of iterations where minibatch gradient descent needs hundreds of passes.
 * The loss that accepts a step is the one the next iteration's pass computes anyway, so a step that decreases the
 * loss costs no extra pass; only an overshoot (nearly separable data) backtracks with loss-only passes. The
 * result is softmax parameters (class 0's logit fixed at 0), the shape the ONNX export and `predictNet` handle.
 */
import { type DesignMatrix, columnMatrix, linearScores } from "./design-matrix.js";
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

/** One pass over `set` at weights `w` (intercept last): the loss, and the gradient and the Hessian if asked for. */
function evaluate(set: WorkingSet, w: Float64Array, take: "loss" | "gradient" | "hessian"): Evaluation {
  const curvature = take !== "loss";
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
  return take === "hessian" ? { loss, g, H: weightedGram(x, v) } : { loss, g };
}

/** Below this largest step, the next iteration reuses the current Hessian (the weights barely moved). */
const reuseHessianBelow = 1e-3;
/** Rows of the subsample whose fit is the full fit's starting point. */
const warmStartRows = 10_000;

/**
 * Newton iterations on `set` from `w` (updated in place) until the largest step is under `tolerance`; with
 * `validation`, one curve point per iteration (mean train and validation loss after it).
 */
function newton(
  set: WorkingSet,
  w: Float64Array,
  l2: number,
  opts: { tolerance: number; maxIterations: number; validation?: WorkingSet },
): CurvePoint[] {
  const d = set.x.columns;
  const n = d + 1;
  const rows = set.x.rows;
  const curve: CurvePoint[] = [];
  const penalty = (v: Float64Array): number => (l2 / 2) * v.subarray(0, d).reduce((s, x) => s + x * x, 0);
  let here = evaluate(set, w, "hessian");
  let H = here.H as Float64Array;
  for (let iteration = 1; iteration <= opts.maxIterations; iteration++) {
    if (!here.g) here = evaluate(set, w, "hessian");
    H = here.H ?? H;
    const before = here.loss / rows + penalty(w);
    const A = Array.from({ length: n }, (_, a) =>
      Array.from({ length: n }, (_, b) => ((a <= b ? H[a * n + b] : H[b * n + a]) as number) / rows),
    );
    const grad = Array.from(here.g ?? [], (v, a) => v / rows + (a < d ? l2 * (w[a] as number) : 0));
    for (let a = 0; a < d; a++) (A[a] as number[])[a] = (A[a]?.[a] ?? 0) + l2 + 1e-12;
    const step = solve(A, grad);
    const largest = step.reduce((m, s) => Math.max(m, Math.abs(s)), 0);
    // Halve the step until the penalised loss does not grow (Newton can overshoot on nearly separable data). The
    // first try also takes the gradient there (and the Hessian, unless the step was small), for the next iteration.
    const last = largest < opts.tolerance || iteration === opts.maxIterations;
    let scale = 1;
    let next = w;
    let at: Evaluation = here;
    for (let k = 0; k < 20; k++, scale /= 2) {
      next = Float64Array.from(w, (v, a) => v - scale * (step[a] ?? 0));
      at = evaluate(set, next, last || k > 0 ? "loss" : largest < reuseHessianBelow ? "gradient" : "hessian");
      if (at.loss / rows + penalty(next) <= before) break;
    }
    const moved = largest * scale;
    w.set(next);
    here = at;
    if (opts.validation) {
      const v = opts.validation;
      curve.push({
        step: iteration,
        train: at.loss / rows,
        validation: v.x.rows ? evaluate(v, w, "loss").loss / v.x.rows : NaN,
      });
    }
    if (moved < opts.tolerance) break;
  }
  return curve;
}

/** Every k-th row of `set`, about {@link warmStartRows} of them, or undefined when `set` is not several times larger. */
export function subsample(set: BinarySet): BinarySet | undefined {
  const k = Math.floor(set.x.rows / warmStartRows);
  if (k < 4) return undefined;
  const m = Math.ceil(set.x.rows / k);
  const pick = (c: Float64Array) => Float64Array.from({ length: m }, (_, i) => c[i * k] as number);
  const cols = Array.from({ length: set.x.columns }, (_, j) => pick(set.x.column(j)));
  const x = columnMatrix(cols, m);
  return { x, y: pick(set.y) };
}

/**
 * Fits on standardised rows with 0/1 targets; `l2` penalises the weights (not the intercept) on the mean loss.
 * On a large table the full fit starts from the fit of a regular subsample, so it needs only the last few
 * (quadratically converging) iterations; it stops once the weights settle to 1e-5 (standardised inputs).
 */
export function trainBinaryNewton(
  train: BinarySet,
  validation: BinarySet,
  l2: number,
  maxIterations = 30,
): { params: ModelParams; curve: CurvePoint[] } {
  const d = train.x.columns;
  const w = new Float64Array(d + 1);
  const sample = subsample(train);
  if (sample) newton(working(sample), w, l2, { tolerance: reuseHessianBelow, maxIterations });
  const curve = newton(working(train), w, l2, { tolerance: 1e-5, maxIterations, validation: working(validation) });
  const W = Array.from({ length: d }, (_, j) => [0, w[j] as number]);
  return { params: { kind: "softmax", W: f32(W), b: f32([[0, w[d] as number]])[0] ?? [0, 0] }, curve };
}
