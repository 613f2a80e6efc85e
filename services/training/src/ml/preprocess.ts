/**
 * Cleaning whose statistics travel inside the model: per-column mean imputation of missing values (NaN) and
 * standardisation, both fitted on the training split only and exported as ONNX `Imputer` → `Sub` → `Div`.
 * All arithmetic mirrors ONNX's float32 so the exported graph and the in-memory model agree.
 */

/** Per-feature statistics fitted on the training split. */
export interface Standardizer {
  /** Imputed value for a missing feature: the training mean (float32). */
  means: number[];
  /** Standard deviation (float32; 1 where a column is constant, so it never divides by zero). */
  stds: number[];
}

/** Fits means and standard deviations on `rows`, ignoring NaN (missing) values. */
export function fitStandardizer(rows: readonly (readonly number[])[]): Standardizer {
  const d = rows[0]?.length ?? 0;
  const columns = new Float64Array(rows.length * d);
  rows.forEach((r, i) => {
    for (let j = 0; j < d; j++) columns[j * rows.length + i] = r[j] ?? NaN;
  });
  return columnStatistics(columns, rows.length, d);
}

/**
 * The {@link Standardizer} of `d` raw columns stored one after another (`rows` values each, NaN = missing): each
 * column's mean and population standard deviation over its present values, summed in row order.
 */
export function columnStatistics(columns: Float64Array, rows: number, d: number): Standardizer {
  const means: number[] = [];
  const stds: number[] = [];
  for (let j = 0; j < d; j++) {
    const c = columns.subarray(j * rows, (j + 1) * rows);
    let sum = 0;
    let n = 0;
    for (let i = 0; i < c.length; i++) {
      const v = c[i] as number;
      if (v === v) {
        // v === v: not NaN, so not missing
        sum += v;
        n += 1;
      }
    }
    const mean = n > 0 ? sum / n : 0;
    let sq = 0;
    for (let i = 0; i < c.length; i++) {
      const v = c[i] as number;
      if (v === v) sq += (v - mean) * (v - mean);
    }
    const std = n > 1 ? Math.sqrt(sq / n) : 0;
    means.push(Math.fround(mean));
    stds.push(Math.fround(std > 1e-12 ? std : 1));
  }
  return { means, stds };
}

/** Replaces NaN with the column mean, as float32 (what ONNX `Imputer` feeds the model). */
export function impute(rows: readonly (readonly number[])[], s: Standardizer): number[][] {
  return rows.map((r) => r.map((v, j) => Math.fround(Number.isNaN(v) ? (s.means[j] ?? 0) : v)));
}

/** Imputes then standardises, rounding each step to float32 exactly as the ONNX graph does. */
export function transform(rows: readonly (readonly number[])[], s: Standardizer): number[][] {
  return rows.map((r) => r.map((v, j) => standardised(v, s.means[j] ?? 0, s.stds[j] ?? 1)));
}

/** One raw value (NaN = missing) imputed with `mean` and standardised, in float32 steps like the ONNX graph. */
export function standardised(raw: number, mean: number, std: number): number {
  const v = Math.fround(raw === raw ? raw : mean); // raw === raw: not NaN, so present
  return Math.fround(Math.fround(v - mean) / std);
}
