/**
 * The standardised design matrix the closed-form and Newton kernels read: chosen rows copied in one pass from the
 * raw rows into one typed array, column after column, then imputed and standardised in place. Every value is rounded to
 * float32 at the same steps as `transform` (and the exported ONNX graph), so the kernels see exactly the numbers
 * the in-memory and exported models compute with; column storage lets each kernel loop be a tight dot product.
 */
import { type Standardizer, columnStatistics, standardised } from "./preprocess.js";

/** `rows` × `columns` standardised values; `column(j)` is feature j over all rows (a view, not a copy). */
export interface DesignMatrix {
  rows: number;
  columns: number;
  /** Feature j of every row, in row order. */
  column(j: number): Float64Array;
  /** The intercept's column: `rows` ones. */
  intercept: Float64Array;
}

/** Imputes and standardises rows `idx` of `x` (NaN = missing) with `s`, equal value for value to `transform`. */
export function designMatrix(x: readonly (readonly number[])[], idx: readonly number[], s: Standardizer): DesignMatrix {
  return standardise(rawColumns(x, idx, s.means.length), idx.length, s);
}

/**
 * Fits the standardiser on rows `idx` of `x` (equal to `fitStandardizer` of those rows) and returns it with their
 * design matrix: one pass over the row objects, the rest over contiguous columns.
 */
export function fitDesignMatrix(
  x: readonly (readonly number[])[],
  idx: readonly number[],
): { standardizer: Standardizer; matrix: DesignMatrix } {
  const d = idx.length > 0 ? (x[idx[0] as number]?.length ?? 0) : 0;
  const data = rawColumns(x, idx, d);
  const standardizer = columnStatistics(data, idx.length, d);
  return { standardizer, matrix: standardise(data, idx.length, standardizer) };
}

/** Rows `idx` of `x`, `d` features each, copied column after column. */
function rawColumns(x: readonly (readonly number[])[], idx: readonly number[], d: number): Float64Array {
  const rows = idx.length;
  const data = new Float64Array(rows * d);
  for (let i = 0; i < rows; i++) {
    const row = x[idx[i] as number] as readonly number[];
    for (let j = 0, at = i; j < d; j++, at += rows) data[at] = row[j] ?? NaN;
  }
  return data;
}

/** Imputes and standardises raw columns in place, rounding to float32 at each step like `transform`. */
function standardise(data: Float64Array, rows: number, s: Standardizer): DesignMatrix {
  const d = s.means.length;
  const views = Array.from({ length: d }, (_, j) => data.subarray(j * rows, (j + 1) * rows));
  views.forEach((c, j) => {
    const mean = s.means[j] as number;
    const std = s.stds[j] as number;
    for (let i = 0; i < c.length; i++) c[i] = standardised(c[i] as number, mean, std);
  });
  return columnMatrix(views, rows);
}

/** A design matrix over `columns` (each `rows` long); the intercept's column of ones is made on first use. */
export function columnMatrix(columns: readonly Float64Array[], rows: number): DesignMatrix {
  let ones: Float64Array | undefined;
  return {
    rows,
    columns: columns.length,
    column: (j) => columns[j] as Float64Array,
    get intercept() {
      return (ones ??= new Float64Array(rows).fill(1));
    },
  };
}

/** `b + Σ_j w[j]·x[:, j]` for every row, adding features in order j = 0..d-1 (the order `predict` uses). */
export function linearScores(
  m: DesignMatrix,
  w: ArrayLike<number>,
  b: number,
  out: Float64Array = new Float64Array(m.rows),
): Float64Array {
  out.fill(b);
  let j = 0;
  // Four features per sweep over the rows, still added one after another in feature order.
  for (; j + 4 <= m.columns; j += 4) {
    const c0 = m.column(j),
      c1 = m.column(j + 1),
      c2 = m.column(j + 2),
      c3 = m.column(j + 3);
    const w0 = w[j] as number,
      w1 = w[j + 1] as number,
      w2 = w[j + 2] as number,
      w3 = w[j + 3] as number;
    for (let i = 0; i < out.length; i++) {
      let s = out[i] as number;
      s += (c0[i] as number) * w0;
      s += (c1[i] as number) * w1;
      s += (c2[i] as number) * w2;
      s += (c3[i] as number) * w3;
      out[i] = s;
    }
  }
  for (; j < m.columns; j++) {
    const c = m.column(j);
    const wj = w[j] as number;
    for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + (c[i] as number) * wj;
  }
  return out;
}
