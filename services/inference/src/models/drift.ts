/**
 * Input drift: per-feature histograms of served rows over training's bin edges, compared with the
 * training baseline by the population stability index, PSI = Σ (a − e)·ln(a / e) over bins.
 * PSI < 0.1 is usually read as stable, 0.1–0.25 as moderate drift, above 0.25 as significant.
 */
import type { FeatureBaseline } from "../sources/types.js";

const EPSILON = 1e-4;

/** PSI between expected and actual bin fractions; empty bins count as EPSILON so the log stays finite. */
export function psi(expected: readonly number[], actual: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(expected[i] ?? 0, EPSILON);
    const a = Math.max(actual[i] ?? 0, EPSILON);
    sum += (a - e) * Math.log(a / e);
  }
  return sum;
}

/** The bin of `x` for ascending edges: values below the first edge go to bin 0, above the last to the last bin. */
export function binOf(edges: readonly number[], x: number): number {
  const bins = edges.length - 1;
  let lo = 0;
  let hi = bins - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (x >= (edges[mid] as number)) lo = mid;
    else hi = mid - 1;
  }
  return Math.max(0, Math.min(bins - 1, lo));
}

/** Running per-feature bin counts for one model version. */
export class DriftTracker {
  private readonly counts: number[][];
  private rows = 0;

  constructor(readonly features: readonly FeatureBaseline[]) {
    this.counts = features.map((f) => new Array<number>(Math.max(1, f.binEdges.length - 1)).fill(0));
  }

  /** Adds the rows of a row-major [rows, features] matrix; ignored when the width is not the feature count. */
  observe(values: ArrayLike<number>, width: number): void {
    if (width !== this.features.length) return;
    for (let r = 0; r + width <= values.length; r += width) {
      for (let f = 0; f < width; f++) {
        const x = values[r + f] as number;
        if (!Number.isFinite(x)) continue;
        const feature = this.features[f] as FeatureBaseline;
        (this.counts[f] as number[])[binOf(feature.binEdges, x)]! += 1;
      }
      this.rows++;
    }
  }

  /** Rows observed so far. */
  get observed(): number {
    return this.rows;
  }

  /** PSI per feature name (empty before the first row). */
  psi(): Record<string, number> {
    if (this.rows === 0) return {};
    const out: Record<string, number> = {};
    this.features.forEach((f, i) => {
      const c = this.counts[i] as number[];
      const total = c.reduce((a, b) => a + b, 0) || 1;
      out[f.name] = psi(
        f.binFractions,
        c.map((n) => n / total),
      );
    });
    return out;
  }
}
