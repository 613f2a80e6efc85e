/**
 * A random forest (bootstrap samples, √d candidate features per split, CART with Gini or variance). Trees split
 * imputed raw features at float32 thresholds with `x < t`, exactly as ONNX `TreeEnsemble*` with BRANCH_LT does.
 */
import { type ModelParams, type Tree, treeLeaf } from "./model.js";
import { type Rng, createRng, shuffled } from "./random.js";

/** Forest hyperparameters. */
export interface ForestOptions {
  /** Number of trees (default 50). */
  trees: number;
  /** Maximum depth (default 8). */
  maxDepth: number;
  /** Minimum rows in a leaf (default 1). */
  minLeaf: number;
  seed: number;
}

interface Ctx {
  x: readonly (readonly number[])[];
  y: readonly number[];
  classes: number;
  o: ForestOptions;
  rng: Rng;
  mtry: number;
}

function leafValue(ctx: Ctx, idx: readonly number[]): number[] {
  if (ctx.classes === 0) return [idx.reduce((s, i) => s + (ctx.y[i] ?? 0), 0) / Math.max(1, idx.length)];
  const counts = new Array<number>(ctx.classes).fill(0);
  for (const i of idx) counts[ctx.y[i] ?? 0] = (counts[ctx.y[i] ?? 0] ?? 0) + 1;
  return counts.map((c) => c / Math.max(1, idx.length));
}

/** Impurity × count: Gini for classes, sum of squared deviations for regression. */
function impurity(ctx: Ctx, stats: number[], n: number): number {
  if (n === 0) return 0;
  if (ctx.classes === 0) return (stats[1] ?? 0) - (stats[0] ?? 0) ** 2 / n;
  return n - stats.reduce((s, c) => s + c * c, 0) / n;
}

function add(ctx: Ctx, stats: number[], i: number, sign: 1 | -1): void {
  const y = ctx.y[i] ?? 0;
  if (ctx.classes === 0) {
    stats[0] = (stats[0] ?? 0) + sign * y;
    stats[1] = (stats[1] ?? 0) + sign * y * y;
  } else stats[y] = (stats[y] ?? 0) + sign;
}

function bestSplit(ctx: Ctx, idx: number[]): { feature: number; threshold: number; gain: number } | undefined {
  const d = ctx.x[0]?.length ?? 0;
  const features = shuffled(
    Array.from({ length: d }, (_, j) => j),
    ctx.rng,
  ).slice(0, ctx.mtry);
  const width = ctx.classes === 0 ? 2 : ctx.classes;
  const total = new Array<number>(width).fill(0);
  for (const i of idx) add(ctx, total, i, 1);
  const parent = impurity(ctx, total, idx.length);
  let best: { feature: number; threshold: number; gain: number } | undefined;
  for (const f of features) {
    const sorted = [...idx].sort((a, b) => (ctx.x[a]?.[f] ?? 0) - (ctx.x[b]?.[f] ?? 0));
    const left = new Array<number>(width).fill(0);
    const right = [...total];
    for (let k = 0; k < sorted.length - 1; k++) {
      const i = sorted[k] ?? 0;
      add(ctx, left, i, 1);
      add(ctx, right, i, -1);
      const a = ctx.x[i]?.[f] ?? 0,
        b = ctx.x[sorted[k + 1] ?? 0]?.[f] ?? 0;
      if (a === b || k + 1 < ctx.o.minLeaf || sorted.length - k - 1 < ctx.o.minLeaf) continue;
      const gain = parent - impurity(ctx, left, k + 1) - impurity(ctx, right, sorted.length - k - 1);
      if (gain > 1e-12 && (!best || gain > best.gain)) {
        let t = Math.fround((a + b) / 2);
        if (!(t > a)) t = b; // keep `a < t <= b` in float32 so exactly the left rows satisfy x < t
        best = { feature: f, threshold: t, gain };
      }
    }
  }
  return best;
}

function grow(ctx: Ctx, idx: number[]): Tree {
  const tree: Tree = { feature: [], threshold: [], left: [], right: [], value: [] };
  const build = (rows: number[], depth: number): number => {
    const id = tree.feature.length;
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.value.push([]);
    const split = depth < ctx.o.maxDepth && rows.length >= 2 * ctx.o.minLeaf ? bestSplit(ctx, rows) : undefined;
    if (!split) {
      tree.value[id] = leafValue(ctx, rows);
      return id;
    }
    const l = rows.filter((i) => (ctx.x[i]?.[split.feature] ?? 0) < split.threshold);
    const r = rows.filter((i) => !((ctx.x[i]?.[split.feature] ?? 0) < split.threshold));
    tree.feature[id] = split.feature;
    tree.threshold[id] = split.threshold;
    tree.left[id] = build(l, depth + 1);
    tree.right[id] = build(r, depth + 1);
    return id;
  };
  build(idx, 0);
  return tree;
}

/** Trains a forest on imputed float32 rows; `classes` 0 means regression. */
export function trainForest(
  x: readonly (readonly number[])[],
  y: readonly number[],
  classes: number,
  o: ForestOptions,
): ModelParams {
  const rng = createRng(o.seed);
  const d = x[0]?.length ?? 0;
  const ctx: Ctx = { x, y, classes, o, rng, mtry: Math.max(1, Math.round(Math.sqrt(d))) };
  const trees: Tree[] = [];
  for (let t = 0; t < o.trees; t++) {
    const sample = Array.from({ length: x.length }, () => Math.floor(rng() * x.length));
    trees.push(grow(ctx, sample));
  }
  return { kind: "forest", trees };
}

/** Averages the first `upTo` trees' leaf values for each row (class probabilities, or `[value]`). */
export function predictForest(params: ModelParams, x: readonly (readonly number[])[], upTo?: number): number[][] {
  if (params.kind !== "forest") throw new Error(`predictForest: not a forest (${params.kind})`);
  const trees = params.trees.slice(0, upTo ?? params.trees.length);
  return x.map((row) => {
    const acc: number[] = [];
    for (const t of trees) treeLeaf(t, row).forEach((v, k) => (acc[k] = (acc[k] ?? 0) + v));
    return acc.map((v) => v / trees.length);
  });
}
