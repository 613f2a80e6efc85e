/** Linear regression (ridge) on standardised features, solved in closed form: (XᵀX + λI)w = Xᵀy. */
import { type DesignMatrix, linearScores } from "./design-matrix.js";
import { weightedGram, weightedSums } from "./gram.js";
import type { ModelParams } from "./model.js";
import { type Standardizer, standardised } from "./preprocess.js";

/** Solves A x = b by Gaussian elimination with partial pivoting (A is small: features + 1). */
export function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i] ?? 0]);
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(M[r]?.[col] ?? 0) > Math.abs(M[piv]?.[col] ?? 0)) piv = r;
    [M[col], M[piv]] = [M[piv] as number[], M[col] as number[]];
    const p = M[col]?.[col] ?? 0;
    if (Math.abs(p) < 1e-12) throw new Error("linear: the features are collinear; add l2 regularisation (--l2 > 0)");
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = (M[r]?.[col] ?? 0) / p;
      if (f === 0) continue;
      for (let c = col; c <= n; c++) (M[r] as number[])[c] = (M[r]?.[c] ?? 0) - f * (M[col]?.[c] ?? 0);
    }
  }
  return M.map((row, i) => (row[n] ?? 0) / (row[i] ?? 1));
}

/** Fits `y ≈ x·w + b` with L2 penalty `l2` on `w` (not on the intercept); returns float32 parameters. */
export function trainLinear(x: DesignMatrix, y: Float64Array, l2: number): ModelParams {
  const d = x.columns;
  const n = d + 1;
  const G = weightedGram(x, x.intercept); // XᵀX (weights all 1), upper triangle
  const b = Array.from(weightedSums(x, y)); // Xᵀy
  const A = Array.from({ length: n }, (_, p) =>
    Array.from({ length: n }, (_, q) => (p <= q ? G[p * n + q] : G[q * n + p]) as number),
  );
  for (let p = 0; p < d; p++) (A[p] as number[])[p] = (A[p]?.[p] ?? 0) + l2 * x.rows;
  const sol = solve(A, b);
  return { kind: "linear", w: sol.slice(0, d).map((v) => Math.fround(v)), b: Math.fround(sol[d] ?? 0) };
}

/** Mean squared error of `params` on the standardised rows `x` with targets `y` (NaN when there are none). */
export function linearMse(params: ModelParams, x: DesignMatrix, y: Float64Array): number {
  if (params.kind !== "linear") throw new Error(`linearMse: not linear (${params.kind})`);
  if (x.rows === 0) return NaN;
  const p = linearScores(x, params.w, params.b);
  let se = 0;
  for (let i = 0; i < p.length; i++) {
    const e = (y[i] as number) - (p[i] as number);
    se += e * e;
  }
  return se / x.rows;
}

/**
 * Mean squared error of `params` on rows `idx` of the raw rows `x` (NaN = missing) with targets `y`, standardised
 * with `s` on the fly: the same values as `predict` then the MSE, without building the rows (NaN when none).
 */
export function linearMseOfRows(
  params: ModelParams,
  x: readonly (readonly number[])[],
  y: readonly number[],
  idx: readonly number[],
  s: Standardizer,
): number {
  if (params.kind !== "linear") throw new Error(`linearMseOfRows: not linear (${params.kind})`);
  if (idx.length === 0) return NaN;
  const d = params.w.length;
  let se = 0;
  for (const i of idx) {
    const row = x[i] as readonly number[];
    let p = params.b;
    for (let j = 0; j < d; j++)
      p += standardised(row[j] as number, s.means[j] as number, s.stds[j] as number) * (params.w[j] as number);
    const e = (y[i] as number) - p;
    se += e * e;
  }
  return se / idx.length;
}

/** Predictions of standardised rows. */
export function predictLinear(params: ModelParams, x: readonly (readonly number[])[]): number[] {
  if (params.kind !== "linear") throw new Error(`predictLinear: not linear (${params.kind})`);
  return x.map((r) => r.reduce((s, v, i) => s + v * (params.w[i] ?? 0), params.b));
}
