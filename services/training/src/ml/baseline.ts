/** Training-split feature statistics stored with each model, so the inference side can measure drift. */
import type { FeatureBaseline } from "@ai-platform/registry";

/** Mean, std and a 10-bin histogram per feature (missing values ignored). */
export function featureBaselines(
  names: readonly string[],
  rows: readonly (readonly number[])[],
  bins = 10,
): FeatureBaseline[] {
  return names.map((name, j) => {
    const v = rows.map((r) => r[j] ?? NaN).filter((x) => !Number.isNaN(x));
    const n = Math.max(1, v.length);
    const mean = v.reduce((s, x) => s + x, 0) / n;
    const std = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / n);
    // A loop, not Math.min(...v): spreading a large column overflows the call stack.
    const lo = v.reduce((m, x) => Math.min(m, x), Infinity),
      hi = v.reduce((m, x) => Math.max(m, x), -Infinity);
    const width = (hi - lo) / bins || 1;
    const binEdges = Array.from({ length: bins + 1 }, (_, k) => lo + k * width);
    const counts = new Array<number>(bins).fill(0);
    for (const x of v) counts[Math.min(bins - 1, Math.floor((x - lo) / width))]! += 1;
    return { name, mean, std, binEdges, binFractions: counts.map((c) => c / n) };
  });
}
