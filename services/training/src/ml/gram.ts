/**
 * The two sums the closed-form and Newton fits need from a design matrix: the weighted Gram matrix Σ vᵢ·zᵢ·zᵢᵀ and
 * the weighted column sums Σ rᵢ·zᵢ, where zᵢ is row i with a trailing 1 for the intercept. Rows are visited in
 * cache-sized blocks and four entries are accumulated side by side (independent additions the CPU overlaps), yet
 * every entry is still one running sum in row order: the result equals a plain row-by-row accumulation bit for bit.
 */
import type { DesignMatrix } from "./design-matrix.js";

/** Rows per block: a block of every column stays in the CPU's L2 cache while all entries are accumulated. */
const blockRows = 4096;

/** The columns of `m` followed by the intercept's column of ones. */
function columnsWithIntercept(m: DesignMatrix): Float64Array[] {
  return [...Array.from({ length: m.columns }, (_, j) => m.column(j)), m.intercept];
}

/**
 * Adds Σ_{start ≤ i < end} (v[i]·a[i])·c[i] to `out[at + k]` for each column c = `cols[from + k]`, k ≥ 0.
 * Columns go four, then two, then one at a time; each entry keeps its own running sum.
 */
function accumulate(
  out: Float64Array,
  at: number,
  v: Float64Array,
  a: Float64Array,
  cols: readonly Float64Array[],
  from: number,
  start: number,
  end: number,
): void {
  let b = from;
  for (; b + 4 <= cols.length; b += 4, at += 4) {
    const c0 = cols[b] as Float64Array,
      c1 = cols[b + 1] as Float64Array,
      c2 = cols[b + 2] as Float64Array,
      c3 = cols[b + 3] as Float64Array;
    let s0 = out[at] as number,
      s1 = out[at + 1] as number,
      s2 = out[at + 2] as number,
      s3 = out[at + 3] as number;
    for (let i = start; i < end; i++) {
      const u = (v[i] as number) * (a[i] as number);
      s0 += u * (c0[i] as number);
      s1 += u * (c1[i] as number);
      s2 += u * (c2[i] as number);
      s3 += u * (c3[i] as number);
    }
    out[at] = s0;
    out[at + 1] = s1;
    out[at + 2] = s2;
    out[at + 3] = s3;
  }
  if (b + 2 <= cols.length) {
    const c0 = cols[b] as Float64Array,
      c1 = cols[b + 1] as Float64Array;
    let s0 = out[at] as number,
      s1 = out[at + 1] as number;
    for (let i = start; i < end; i++) {
      const u = (v[i] as number) * (a[i] as number);
      s0 += u * (c0[i] as number);
      s1 += u * (c1[i] as number);
    }
    out[at] = s0;
    out[at + 1] = s1;
    b += 2;
    at += 2;
  }
  if (b < cols.length) {
    const c0 = cols[b] as Float64Array;
    let s0 = out[at] as number;
    for (let i = start; i < end; i++) s0 += (v[i] as number) * (a[i] as number) * (c0[i] as number);
    out[at] = s0;
  }
}

/**
 * The upper triangle (row-major, (d+1) × (d+1), intercept last) of Σᵢ v[i]·zᵢ·zᵢᵀ; the lower triangle is left 0.
 * `v` of all ones gives XᵀX.
 */
export function weightedGram(m: DesignMatrix, v: Float64Array): Float64Array {
  const cols = columnsWithIntercept(m);
  const n = cols.length;
  const out = new Float64Array(n * n);
  for (let start = 0; start < m.rows; start += blockRows) {
    const end = Math.min(m.rows, start + blockRows);
    for (let a = 0; a < n; a++) accumulate(out, a * n + a, v, cols[a] as Float64Array, cols, a, start, end);
  }
  return out;
}

/** Σᵢ r[i]·zᵢ: the column sums weighted by `r`, intercept last (Xᵀr with Σ r appended). */
export function weightedSums(m: DesignMatrix, r: Float64Array): Float64Array {
  const cols = columnsWithIntercept(m);
  const out = new Float64Array(cols.length);
  const ones = cols[cols.length - 1] as Float64Array;
  for (let start = 0; start < m.rows; start += blockRows)
    accumulate(out, 0, r, ones, cols, 0, start, Math.min(m.rows, start + blockRows));
  return out;
}
