/** Seeded, stratified splits: train/validation/test and k folds. */
import { createRng, shuffled } from "./random.js";

/** Row indices of each split. */
export interface Split {
  train: number[];
  validation: number[];
  test: number[];
}

/** Fractions of a three-way split; default 60/20/20. */
export interface SplitFractions {
  train: number;
  validation: number;
  test: number;
}

/** Groups row indices by stratum (class index; one stratum for regression) in a seeded order. */
function strata(y: readonly number[], stratify: boolean, seed: number): number[][] {
  const rng = createRng(seed);
  const groups = new Map<number, number[]>();
  y.forEach((v, i) => {
    const key = stratify ? v : 0;
    const g = groups.get(key) ?? [];
    g.push(i);
    groups.set(key, g);
  });
  return [...groups.keys()].sort((a, b) => a - b).map((k) => shuffled(groups.get(k) ?? [], rng));
}

/**
 * Splits rows into train/validation/test. Classification stratifies by class so each split keeps the class
 * proportions; the same seed gives the same split.
 */
export function trainValidationTestSplit(
  y: readonly number[],
  opts: { stratify: boolean; seed: number; fractions?: SplitFractions },
): Split {
  const f = opts.fractions ?? { train: 0.6, validation: 0.2, test: 0.2 };
  const total = f.train + f.validation + f.test;
  if (Math.abs(total - 1) > 1e-9 || f.train <= 0 || f.validation < 0 || f.test <= 0) {
    throw new Error(`split fractions must be positive and sum to 1 (got ${f.train}/${f.validation}/${f.test})`);
  }
  const out: Split = { train: [], validation: [], test: [] };
  for (const group of strata(y, opts.stratify, opts.seed)) {
    const nTest = Math.round(group.length * f.test);
    const nVal = Math.round(group.length * f.validation);
    group.forEach((row, k) => (k < nTest ? out.test : k < nTest + nVal ? out.validation : out.train).push(row));
  }
  return {
    train: out.train.sort((a, b) => a - b),
    validation: out.validation.sort((a, b) => a - b),
    test: out.test.sort((a, b) => a - b),
  };
}

/** k stratified folds over `indices` (positions into `y`): each fold's held-out indices; seeded. */
export function kFolds(
  indices: readonly number[],
  y: readonly number[],
  k: number,
  opts: { stratify: boolean; seed: number },
): number[][] {
  if (!Number.isInteger(k) || k < 2) throw new Error(`folds: must be an integer ≥ 2 (got ${k})`);
  const sub = indices.map((i) => y[i] ?? 0);
  const folds: number[][] = Array.from({ length: k }, () => []);
  let next = 0;
  for (const group of strata(sub, opts.stratify, opts.seed)) {
    for (const pos of group) {
      folds[next % k]?.push(indices[pos] ?? 0);
      next += 1;
    }
  }
  return folds.map((f) => f.sort((a, b) => a - b));
}
