import { describe, expect, it } from "vitest";
import { fitModel, predict, type Dataset } from "../../services/training/src/ml/fit.js";
import {
  designMatrix,
  fitDesignMatrix,
  linearScores,
  type DesignMatrix,
} from "../../services/training/src/ml/design-matrix.js";
import { weightedGram, weightedSums } from "../../services/training/src/ml/gram.js";
import { trainLinear } from "../../services/training/src/ml/linear.js";
import { regressionMetrics } from "../../services/training/src/ml/metrics.js";
import { fitStandardizer, transform } from "../../services/training/src/ml/preprocess.js";
import { createRng } from "../../services/training/src/ml/random.js";
import { trainValidationTestSplit } from "../../services/training/src/ml/split.js";

/** A design matrix over plain columns (already standardised). */
function matrixOf(columns: number[][]): DesignMatrix {
  const cols = columns.map((c) => Float64Array.from(c));
  const rows = cols[0]?.length ?? 0;
  return {
    rows,
    columns: cols.length,
    column: (j) => cols[j] as Float64Array,
    intercept: new Float64Array(rows).fill(1),
  };
}

/** Rows with missing values, a constant column and a wide range, in a seeded order. */
function rawRows(n: number, seed: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => [
    rng() < 0.1 ? NaN : rng() * 1000 - 300,
    4.25,
    rng() < 0.3 ? NaN : rng() * 1e-3,
    rng() * 2 - 1,
  ]);
}

describe("design matrix", () => {
  it("fits the standardiser of the chosen rows and equals transform value for value (float32 steps)", () => {
    const x = rawRows(500, 1);
    const idx = Array.from({ length: 500 }, (_, i) => i).filter((i) => i % 3 !== 1);
    const picked = idx.map((i) => x[i] as number[]);
    const { standardizer, matrix } = fitDesignMatrix(x, idx);
    expect(standardizer).toEqual(fitStandardizer(picked));
    const expected = transform(picked, standardizer);
    for (let j = 0; j < 4; j++) expect(Array.from(matrix.column(j))).toEqual(expected.map((r) => r[j]));
    const other = [2, 7, 11];
    const v = designMatrix(x, other, standardizer);
    const t = transform(
      other.map((i) => x[i] as number[]),
      standardizer,
    );
    for (let j = 0; j < 4; j++) expect(Array.from(v.column(j))).toEqual(t.map((r) => r[j]));
  });
  it("adds features in order for the scores, as predict does", () => {
    const m = matrixOf([
      [1, 2, 3],
      [0.1, 0.2, 0.3],
      [5, 6, 7],
      [-1, 0, 1],
      [0.5, 0.25, 0],
    ]);
    const w = [0.3, -2, 0.7, 1.1, 9];
    const expected = [0, 1, 2].map((i) =>
      [0, 1, 2, 3, 4].reduce((s, j) => s + (m.column(j)[i] as number) * (w[j] as number), 0.5),
    );
    expect(Array.from(linearScores(m, w, 0.5))).toEqual(expected);
  });
});

describe("gram kernel", () => {
  it("equals a plain row-by-row accumulation bit for bit, across blocks and column groups", () => {
    const rng = createRng(5);
    const rows = 9_001;
    for (const d of [1, 2, 5, 7]) {
      const cols = Array.from({ length: d }, () => Array.from({ length: rows }, () => rng() * 4 - 2));
      const v = Float64Array.from({ length: rows }, () => rng());
      const m = matrixOf(cols);
      const n = d + 1;
      const H = new Float64Array(n * n);
      const g = new Float64Array(n);
      for (let i = 0; i < rows; i++) {
        const z = [...cols.map((c) => c[i] as number), 1];
        for (let a = 0; a < n; a++) {
          g[a] = (g[a] as number) + (v[i] as number) * (z[a] as number);
          for (let b = a; b < n; b++)
            H[a * n + b] = (H[a * n + b] as number) + (v[i] as number) * (z[a] as number) * (z[b] as number);
        }
      }
      expect(weightedGram(m, v)).toEqual(H);
      expect(weightedSums(m, v)).toEqual(g);
    }
  });
});

describe("linear closed form", () => {
  it("recovers exact coefficients, and ridge matches Σxy / (Σx² + λn) on a centred column", () => {
    const x0 = [-1.5, -0.5, 0.5, 1.5, 0.25, -0.25];
    const x1 = [2, -1, 0.5, 0, 1, -3];
    const y = x0.map((a, i) => 2 * a - 3 * (x1[i] as number) + 5);
    const p = trainLinear(matrixOf([x0, x1]), Float64Array.from(y), 0);
    expect(p.kind === "linear" && p.w[0]).toBeCloseTo(2, 5);
    expect(p.kind === "linear" && p.w[1]).toBeCloseTo(-3, 5);
    expect(p.kind === "linear" && p.b).toBeCloseTo(5, 5);
    const c = [-2, -1, 0, 1, 2];
    const yc = [1, 3, 2, 6, 8];
    const l2 = 0.5;
    const ridge = trainLinear(matrixOf([c]), Float64Array.from(yc), l2);
    const sxy = c.reduce((s, v, i) => s + v * (yc[i] as number), 0);
    expect(ridge).toEqual({ kind: "linear", w: [Math.fround(sxy / (10 + l2 * 5))], b: Math.fround(4) });
  });
  it("records the train and validation MSE of the fitted model", () => {
    const rng = createRng(3);
    const x = Array.from({ length: 300 }, () => [rng(), rng() < 0.1 ? NaN : rng() * 3]);
    const data: Dataset = {
      x,
      y: x.map(([a = 0, b = 0]) => 2 * a - (Number.isNaN(b) ? 0 : b) + rng()),
      task: "regression",
      classes: 0,
    };
    const s = trainValidationTestSplit(data.y, { stratify: false, seed: 1 });
    const model = fitModel("linear", data, s.train, s.validation, {}, 1);
    const mse = (idx: number[]) =>
      regressionMetrics(
        idx.map((i) => data.y[i] as number),
        predict(
          model,
          idx.map((i) => x[i] as number[]),
        ).values ?? [],
      ).mse;
    expect(model.curve).toEqual([{ step: 1, train: mse(s.train), validation: mse(s.validation) }]);
  });
});

/** Plain Newton on standardised rows (row by row, full line search), the reference the fast fit must match. */
function referenceNewton(x: number[][], y: number[], l2: number): number[] {
  const n = (x[0]?.length ?? 0) + 1;
  const w = new Array<number>(n).fill(0);
  const loss = (v: number[]) =>
    x.reduce((s, r, i) => {
      const p = 1 / (1 + Math.exp(-r.reduce((t, xj, j) => t + xj * (v[j] as number), v[n - 1] as number)));
      return s - Math.log(Math.max(1e-15, y[i] === 1 ? p : 1 - p));
    }, 0) /
      x.length +
    (l2 / 2) * v.slice(0, n - 1).reduce((s, a) => s + a * a, 0);
  for (let it = 0; it < 50; it++) {
    const g = new Array<number>(n).fill(0);
    const H = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    x.forEach((r, i) => {
      const z = [...r, 1];
      const p = 1 / (1 + Math.exp(-z.reduce((t, zj, j) => t + zj * (w[j] as number), 0)));
      z.forEach((za, a) => {
        g[a] = (g[a] as number) + ((p - (y[i] as number)) * za) / x.length;
        z.forEach((zb, b) => ((H[a] as number[])[b] = (H[a]?.[b] ?? 0) + (p * (1 - p) * za * zb) / x.length));
      });
    });
    for (let a = 0; a < n - 1; a++) {
      g[a] = (g[a] as number) + l2 * (w[a] as number);
      (H[a] as number[])[a] = (H[a]?.[a] ?? 0) + l2;
    }
    const step = solveSmall(H, g);
    let t = 1;
    while (t > 1e-6 && loss(w.map((v, a) => v - t * (step[a] as number))) > loss(w)) t /= 2;
    w.forEach((v, a) => (w[a] = v - t * (step[a] as number)));
    if (Math.max(...step.map((s) => Math.abs(t * s))) < 1e-9) break;
  }
  return w;
}

function solveSmall(A: number[][], b: number[]): number[] {
  const M = A.map((r, i) => [...r, b[i] as number]);
  const n = b.length;
  for (let c = 0; c < n; c++) {
    const p = M[c] as number[];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = (M[r]?.[c] as number) / (p[c] as number);
      M[r] = (M[r] as number[]).map((v, k) => v - f * (p[k] as number));
    }
  }
  return M.map((r, i) => (r[n] as number) / (r[i] as number));
}

describe("binary logistic by Newton", () => {
  it("matches plain Newton's weights within 1e-6 on a table large enough for the subsample start", () => {
    const rng = createRng(21);
    const x = Array.from({ length: 75_000 }, () => [rng() * 4 - 2, rng() < 0.05 ? NaN : rng() * 10, rng() - 0.5]);
    const data: Dataset = {
      x,
      y: x.map(([a = 0, b = 0, c = 0]) => (a - 0.2 * (Number.isNaN(b) ? 5 : b) + c + (rng() - 0.5) > -1 ? 1 : 0)),
      task: "classification",
      classes: 2,
    };
    const s = trainValidationTestSplit(data.y, { stratify: true, seed: 42 });
    const model = fitModel("logistic", data, s.train, s.validation, { l2: 0.01 }, 42);
    const w = referenceNewton(
      transform(
        s.train.map((i) => x[i] as number[]),
        model.standardizer,
      ),
      s.train.map((i) => data.y[i] as number),
      0.01,
    );
    if (model.params.kind !== "softmax") throw new Error(`not softmax: ${model.params.kind}`);
    const fitted = [...model.params.W.map((r) => (r[1] as number) - (r[0] as number)), model.params.b[1] as number];
    fitted.forEach((v, a) => expect(Math.abs(v - (w[a] as number))).toBeLessThanOrEqual(1e-6));
    expect(model.curve.length).toBeGreaterThan(0);
    expect(model.curve.at(-1)?.train).toBeLessThanOrEqual(model.curve[0]?.train ?? 0);
  });
});
