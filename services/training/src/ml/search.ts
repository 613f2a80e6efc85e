/**
 * Hyperparameter search: grid or seeded random trials, each scored by k-fold cross-validation on the training
 * rows. Trials are numbered, so a Kubernetes Indexed Job (or local workers) can run `trialIndex % workers`.
 */
import { fitModel, predict, type Dataset } from "./fit.js";
import { classificationMetrics, regressionMetrics } from "./metrics.js";
import type { Algorithm } from "./model.js";
import { createRng } from "./random.js";
import { kFolds } from "./split.js";

/** Candidate values per hyperparameter for each algorithm. */
export const searchSpaces: Record<Algorithm, Record<string, number[]>> = {
  logistic: { lr: [0.01, 0.05, 0.2], l2: [0, 0.001, 0.01, 0.1] },
  mlp: { hidden: [8, 16, 32], lr: [0.003, 0.01, 0.03], l2: [0, 0.0001] },
  linear: { l2: [0, 0.001, 0.01, 0.1, 1] },
  forest: { trees: [25, 50], maxDepth: [4, 8, 12], minLeaf: [1, 3] },
};

/** How to search. */
export interface SearchOptions {
  kind: "grid" | "random";
  trials: number;
  folds: number;
  seed: number;
}

/** Every trial's hyperparameters in a fixed order: the grid (all combinations) or `trials` seeded random draws. */
export function searchTrials(algorithm: Algorithm, o: SearchOptions): Record<string, number>[] {
  const space = Object.entries(searchSpaces[algorithm]);
  if (o.kind === "grid") {
    return space.reduce<Record<string, number>[]>(
      (acc, [k, values]) => acc.flatMap((a) => values.map((v) => ({ ...a, [k]: v }))),
      [{}],
    );
  }
  const rng = createRng(o.seed);
  return Array.from({ length: o.trials }, () =>
    Object.fromEntries(space.map(([k, values]) => [k, values[Math.floor(rng() * values.length)] as number])),
  );
}

/** A scored trial: higher `score` is better (accuracy, or −MSE). */
export interface TrialResult {
  index: number;
  hyperparameters: Record<string, number>;
  score: number;
}

/** Cross-validates one trial on rows `train` (k folds, seeded). */
export function runTrial(
  algorithm: Algorithm,
  data: Dataset,
  train: readonly number[],
  index: number,
  hp: Record<string, number>,
  o: SearchOptions,
): TrialResult {
  const folds = kFolds(train, data.y, o.folds, { stratify: data.task === "classification", seed: o.seed });
  let total = 0;
  for (const held of folds) {
    const heldSet = new Set(held);
    const fitRows = train.filter((i) => !heldSet.has(i));
    const model = fitModel(algorithm, data, fitRows, held, hp, o.seed + index);
    const out = predict(
      model,
      held.map((i) => data.x[i] ?? []),
    );
    const y = held.map((i) => data.y[i] ?? 0);
    total +=
      data.task === "classification"
        ? classificationMetrics(y, out.probabilities ?? [], data.classes).accuracy
        : -regressionMetrics(y, out.values ?? []).mse;
  }
  return { index, hyperparameters: hp, score: total / folds.length };
}

/** The best trial: highest score, ties to the lowest index (deterministic across any worker split). */
export function bestTrial(results: readonly TrialResult[]): TrialResult {
  const best = [...results].sort((a, b) => b.score - a.score || a.index - b.index)[0];
  if (!best) throw new Error("search produced no trials");
  return best;
}
