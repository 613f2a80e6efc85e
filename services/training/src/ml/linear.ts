/** Linear regression (ridge) on standardised features, solved in closed form: (XᵀX + λI)w = Xᵀy. */
import type { ModelParams } from "./model.js";

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
export function trainLinear(x: readonly (readonly number[])[], y: readonly number[], l2: number): ModelParams {
  const d = x[0]?.length ?? 0;
  const n = d + 1;
  // XᵀX and Xᵀy accumulated in flat typed arrays (upper triangle, mirrored after): one pass, no per-row copies.
  const A = new Float64Array(n * n);
  const b = new Float64Array(n);
  const z = new Float64Array(n);
  z[d] = 1;
  for (let i = 0; i < x.length; i++) {
    const row = x[i] as readonly number[];
    for (let p = 0; p < d; p++) z[p] = row[p] as number;
    const yi = y[i] as number;
    for (let p = 0; p < n; p++) {
      const zp = z[p] as number;
      b[p] = (b[p] as number) + zp * yi;
      for (let q = p; q < n; q++) A[p * n + q] = (A[p * n + q] as number) + zp * (z[q] as number);
    }
  }
  const rows = Array.from({ length: n }, (_, p) =>
    Array.from({ length: n }, (_, q) => (p <= q ? A[p * n + q] : A[q * n + p]) as number),
  );
  for (let p = 0; p < d; p++) (rows[p] as number[])[p] = (rows[p]?.[p] ?? 0) + l2 * x.length;
  const sol = solve(rows, Array.from(b));
  return { kind: "linear", w: sol.slice(0, d).map((v) => Math.fround(v)), b: Math.fround(sol[d] ?? 0) };
}

/** Predictions of standardised rows. */
export function predictLinear(params: ModelParams, x: readonly (readonly number[])[]): number[] {
  if (params.kind !== "linear") throw new Error(`predictLinear: not linear (${params.kind})`);
  return x.map((r) => r.reduce((s, v, i) => s + v * (params.w[i] ?? 0), params.b));
}
