/**
 * Multiclass logistic regression on a large table is fitted by Newton's method: it reaches the penalised optimum
 * (zero gradient) in a few iterations, agrees with the binary Newton fit on two classes, and predicts at least as
 * well as the minibatch fit it replaces.
 */
import { describe, expect, it } from "vitest";
import { fitModel, predict, type Dataset } from "../../services/training/src/ml/fit.js";
import { fitDesignMatrix } from "../../services/training/src/ml/design-matrix.js";
import { multinomialNewtonFits, trainMultinomialNewton } from "../../services/training/src/ml/multinomial.js";
import { trainBinaryNewton } from "../../services/training/src/ml/newton.js";
import { transform } from "../../services/training/src/ml/preprocess.js";
import { createRng } from "../../services/training/src/ml/random.js";
import { trainValidationTestSplit } from "../../services/training/src/ml/split.js";
import type { TrainedModel } from "../../services/training/src/ml/model.js";

/** `n` rows of 4 features; the class is the largest of three noisy scores (0, 1 or 2). */
function table(n: number, seed: number, classes = 3): Dataset {
  const rng = createRng(seed);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = [rng() * 4 - 2, rng() * 10, rng() < 0.05 ? NaN : rng() - 0.5, rng() * 2];
    const scores = [0.3, (r[0] as number) + (r[3] as number), (r[1] as number) / 5 - 1 + (r[3] as number) * 0.5];
    const noisy = scores.slice(0, classes).map((s) => s + (rng() - 0.5) * 1.5);
    y.push(noisy.indexOf(Math.max(...noisy)));
    x.push(r);
  }
  return { x, y, task: "classification", classes };
}

/** The mean penalised log-loss gradient of a softmax model on rows `idx` (weights of class 0 are fixed at 0). */
function gradient(model: TrainedModel, data: Dataset, idx: number[], l2: number): number[] {
  const p = model.params;
  if (p.kind !== "softmax") throw new Error("not softmax");
  const z = transform(
    idx.map((i) => data.x[i] as number[]),
    model.standardizer,
  );
  const probs = predict(
    model,
    idx.map((i) => data.x[i] as number[]),
  ).probabilities as number[][];
  const d = z[0]?.length ?? 0;
  const g: number[] = [];
  for (let k = 1; k < data.classes; k++) {
    for (let j = 0; j <= d; j++) {
      let s = 0;
      idx.forEach((i, r) => {
        const residual = (probs[r]?.[k] ?? 0) - (data.y[i] === k ? 1 : 0);
        s += residual * (j < d ? (z[r]?.[j] ?? 0) : 1);
      });
      g.push(s / idx.length + (j < d ? l2 * (p.W[j]?.[k] ?? 0) : 0));
    }
  }
  return g;
}

describe("multinomial Newton", () => {
  const data = table(20_000, 11);
  const split = trainValidationTestSplit(data.y, { stratify: true, seed: 42 });

  it("fits a large three-class table in a few iterations, to a zero gradient of the penalised loss", () => {
    const model = fitModel("logistic", data, split.train, split.validation, {}, 42);
    expect(model.params.kind).toBe("softmax");
    expect(model.curve.length).toBeLessThanOrEqual(8); // Newton; minibatch Adam would report up to 300 epochs
    const g = gradient(model, data, split.train, model.hyperparameters.l2 ?? 0);
    expect(g).toHaveLength(2 * 5);
    expect(Math.max(...g.map(Math.abs))).toBeLessThan(1e-4);
  });

  it("predicts the test rows at least as well as the minibatch fit it replaces", () => {
    const accuracy = (m: TrainedModel): number => {
      const probs = predict(
        m,
        split.test.map((i) => data.x[i] as number[]),
      ).probabilities as number[][];
      return split.test.filter((i, r) => probs[r]?.indexOf(Math.max(...(probs[r] ?? []))) === data.y[i]).length;
    };
    const newton = fitModel("logistic", data, split.train, split.validation, {}, 42);
    const small = split.train.slice(0, 9_000); // under the Newton threshold: minibatch Adam
    const adam = fitModel("logistic", data, small, split.validation, {}, 42);
    expect(adam.curve.length).toBeGreaterThan(8);
    expect(accuracy(newton) / split.test.length).toBeGreaterThanOrEqual(accuracy(adam) / split.test.length - 0.005);
    expect(accuracy(newton) / split.test.length).toBeGreaterThan(0.7);
  });

  it("on two classes equals the binary Newton fit", () => {
    const two = table(12_000, 5, 2);
    const idx = two.x.map((_, i) => i);
    const { matrix } = fitDesignMatrix(two.x, idx);
    const set = { x: matrix, y: Float64Array.from(two.y) };
    const multi = trainMultinomialNewton(set, set, 2, 0.001);
    const binary = trainBinaryNewton(set, set, 0.001);
    if (multi.params.kind !== "softmax" || binary.params.kind !== "softmax") throw new Error("not softmax");
    const flat = (p: { W: number[][]; b: number[] }) => [...p.W.flat(), ...p.b];
    flat(multi.params).forEach((v, i) =>
      expect(v).toBeCloseTo(flat(binary.params as typeof multi.params)[i] ?? NaN, 5),
    );
  });

  it("is chosen only while its linear system stays small", () => {
    expect(multinomialNewtonFits(3, 10)).toBe(true);
    expect(multinomialNewtonFits(2, 10)).toBe(false); // binary has its own Newton
    expect(multinomialNewtonFits(40, 20)).toBe(false); // 39 × 21 unknowns: minibatch instead
  });
});
