/**
 * One entry to fit and apply any algorithm: fits the standardiser on the training rows, trains, and records the
 * learning curve. `predict` takes raw rows (NaN = missing) exactly like the exported ONNX graph.
 */
import { predictForest, trainForest } from "./forest.js";
import { designMatrix, fitDesignMatrix } from "./design-matrix.js";
import { linearMse, linearMseOfRows, predictLinear, trainLinear } from "./linear.js";
import { classificationMetrics, regressionMetrics } from "./metrics.js";
import type { Algorithm, CurvePoint, Predictions, Task, TrainedModel } from "./model.js";
import { predictNet, trainNet } from "./neural.js";
import { multinomialNewtonFits, trainMultinomialNewton } from "./multinomial.js";
import { trainBinaryNewton } from "./newton.js";
import { fitStandardizer, impute, transform } from "./preprocess.js";

/** Rows (raw, NaN = missing) and targets (class index or value). */
export interface Dataset {
  x: number[][];
  y: number[];
  task: Task;
  classes: number;
}

/** Hyperparameter defaults per algorithm: quick to train, good on small tabular data. */
export const defaultHyperparameters: Record<Algorithm, Record<string, number>> = {
  logistic: { lr: 0.05, l2: 0.001, epochs: 300, patience: 25, batchSize: 64 },
  mlp: { hidden: 16, lr: 0.01, l2: 0.0001, epochs: 300, patience: 25, batchSize: 32 },
  linear: { l2: 0 },
  forest: { trees: 50, maxDepth: 8, minLeaf: 1 },
};

/**
 * From this many training rows, `logistic` on a binary label is fitted by Newton's method (a few full passes)
 * instead of minibatch Adam (hundreds of passes): the same model, at the speed large tables need.
 */
export const newtonMinRows = 10_000;

/** Which tasks each algorithm supports. */
export const algorithmTasks: Record<Algorithm, readonly Task[]> = {
  logistic: ["classification"],
  mlp: ["classification"],
  linear: ["regression"],
  forest: ["classification", "regression"],
};

function pick<T>(a: readonly T[], idx: readonly number[]): T[] {
  return idx.map((i) => a[i] as T);
}

/** Fits `algorithm` on rows `train`, early-stopping on `validation`; seeded. */
export function fitModel(
  algorithm: Algorithm,
  data: Dataset,
  train: readonly number[],
  validation: readonly number[],
  hp: Record<string, number>,
  seed: number,
): TrainedModel {
  if (!algorithmTasks[algorithm].includes(data.task)) {
    throw new Error(
      `algorithm: ${algorithm} does not support ${data.task} (use ${Object.entries(algorithmTasks)
        .filter(([, t]) => t.includes(data.task))
        .map(([a]) => a)
        .join(" or ")})`,
    );
  }
  const h = { ...defaultHyperparameters[algorithm], ...hp };
  const meta = { algorithm, task: data.task, outputs: data.task === "classification" ? data.classes : 1 };
  const width = data.x[0]?.length ?? 0;
  const newton =
    algorithm === "logistic" &&
    train.length >= newtonMinRows &&
    (data.classes === 2 || multinomialNewtonFits(data.classes, width));
  if (algorithm === "linear" || newton) {
    // The closed form and Newton read the standardised training rows as one matrix, built straight from the raw rows.
    const { standardizer, matrix } = fitDesignMatrix(data.x, train);
    const t = { x: matrix, y: Float64Array.from(train, (i) => data.y[i] as number) };
    const base = { ...meta, standardizer, hyperparameters: h };
    if (algorithm === "linear") {
      const params = trainLinear(t.x, t.y, h.l2 ?? 0);
      const validationMse = linearMseOfRows(params, data.x, data.y, validation, standardizer);
      return { ...base, params, curve: [{ step: 1, train: linearMse(params, t.x, t.y), validation: validationMse }] };
    }
    const v = {
      x: designMatrix(data.x, validation, standardizer),
      y: Float64Array.from(validation, (i) => data.y[i] as number),
    };
    return {
      ...base,
      ...(data.classes === 2
        ? trainBinaryNewton(t, v, h.l2 ?? 0)
        : trainMultinomialNewton(t, v, data.classes, h.l2 ?? 0)),
    };
  }
  const xTrain = pick(data.x, train),
    yTrain = pick(data.y, train);
  const xVal = pick(data.x, validation),
    yVal = pick(data.y, validation);
  const standardizer = fitStandardizer(xTrain);
  const base = { ...meta, standardizer, hyperparameters: h };
  if (algorithm === "logistic" || algorithm === "mlp") {
    const { params, curve } = trainNet(
      { x: transform(xTrain, standardizer), y: yTrain, classes: data.classes },
      { x: transform(xVal, standardizer), y: yVal, classes: data.classes },
      {
        hidden: algorithm === "mlp" ? (h.hidden ?? 16) : 0,
        lr: h.lr ?? 0.01,
        l2: h.l2 ?? 0,
        epochs: h.epochs ?? 300,
        patience: h.patience ?? 25,
        batchSize: h.batchSize ?? 32,
        seed,
      },
    );
    return { ...base, params, curve };
  }
  const params = trainForest(impute(xTrain, standardizer), yTrain, data.task === "classification" ? data.classes : 0, {
    trees: h.trees ?? 50,
    maxDepth: h.maxDepth ?? 8,
    minLeaf: h.minLeaf ?? 1,
    seed,
  });
  const model: TrainedModel = { ...base, params, curve: [] };
  model.curve = forestCurve(model, xTrain, yTrain, xVal, yVal);
  return model;
}

/** Error (1 − accuracy, or MSE) on train and validation as trees are added. */
function forestCurve(model: TrainedModel, xT: number[][], yT: number[], xV: number[][], yV: number[]): CurvePoint[] {
  if (model.params.kind !== "forest") return [];
  const n = model.params.trees.length;
  const steps = [...new Set([1, 2, 5, 10, 20, 50, 100, 200, n].filter((s) => s <= n))];
  const err = (x: number[][], y: number[], upTo: number): number => {
    if (x.length === 0) return NaN;
    const out = predictForest(model.params, impute(x, model.standardizer), upTo);
    return model.task === "classification"
      ? 1 - classificationMetrics(y, out, model.outputs).accuracy
      : regressionMetrics(
          y,
          out.map((o) => o[0] ?? 0),
        ).mse;
  };
  return steps.map((s) => ({ step: s, train: err(xT, yT, s), validation: err(xV, yV, s) }));
}

/** Predictions of the in-memory model on raw rows. */
export function predict(model: TrainedModel, x: readonly (readonly number[])[]): Predictions {
  const p = model.params;
  if (p.kind === "softmax" || p.kind === "mlp")
    return { probabilities: predictNet(p, transform(x, model.standardizer)) };
  if (p.kind === "linear") return { values: predictLinear(p, transform(x, model.standardizer)) };
  const out = predictForest(p, impute(x, model.standardizer));
  return model.task === "classification" ? { probabilities: out } : { values: out.map((o) => o[0] ?? 0) };
}
