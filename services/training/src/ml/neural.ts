/**
 * Softmax (multinomial logistic) regression and a one-hidden-layer MLP, both trained with Adam on standardised
 * features, with L2 regularisation and early stopping on the validation split (the best epoch's weights are kept).
 */
import { Adam } from "./adam.js";
import { type CurvePoint, type ModelParams, affine, f32, softmax } from "./model.js";
import { createRng, gaussian, shuffled } from "./random.js";

/** Training data: standardised rows and class indices. */
export interface ClassData {
  x: number[][];
  y: number[];
  classes: number;
}

/** Hyperparameters of both networks. `hidden: 0` is softmax regression. */
export interface NetOptions {
  hidden: number;
  /** Adam learning rate (default 0.05 for softmax, 0.01 for the MLP). */
  lr: number;
  /** L2 penalty on weights (default 1e-3). */
  l2: number;
  /** Maximum epochs (default 300). */
  epochs: number;
  /** Stop after this many epochs without validation improvement (default 25). */
  patience: number;
  /** Mini-batch size (default 32; full batch when larger than the data). */
  batchSize: number;
  seed: number;
}

type Net = { W1: Float64Array; b1: Float64Array; W2: Float64Array; b2: Float64Array; d: number; h: number; c: number };

function forward(net: Net, x: readonly number[]): { hid: number[]; p: number[] } {
  const { d, h, c } = net;
  let hid: number[];
  if (h === 0) hid = [...x];
  else {
    hid = new Array<number>(h);
    for (let j = 0; j < h; j++) {
      let s = net.b1[j] ?? 0;
      for (let i = 0; i < d; i++) s += (x[i] ?? 0) * (net.W1[i * h + j] ?? 0);
      hid[j] = s > 0 ? s : 0;
    }
  }
  const width = h === 0 ? d : h;
  const z = new Array<number>(c);
  for (let k = 0; k < c; k++) {
    let s = net.b2[k] ?? 0;
    for (let j = 0; j < width; j++) s += (hid[j] ?? 0) * (net.W2[j * c + k] ?? 0);
    z[k] = s;
  }
  return { hid, p: softmax(z) };
}

function loss(net: Net, data: ClassData, idx: readonly number[]): number {
  let s = 0;
  for (const i of idx) s -= Math.log(Math.max(1e-15, forward(net, data.x[i] ?? []).p[data.y[i] ?? 0] ?? 0));
  return s / Math.max(1, idx.length);
}

/** Trains on `train`, early-stops on `validation` (if non-empty), returns float32 parameters and the loss curve. */
export function trainNet(
  train: ClassData,
  validation: ClassData,
  o: NetOptions,
): { params: ModelParams; curve: CurvePoint[] } {
  const rng = createRng(o.seed);
  const d = train.x[0]?.length ?? 0,
    h = o.hidden,
    c = train.classes,
    width = h === 0 ? d : h;
  const init = (n: number, fanIn: number): Float64Array =>
    Float64Array.from({ length: n }, () => gaussian(rng) * Math.sqrt(2 / Math.max(1, fanIn)));
  const net: Net = {
    d,
    h,
    c,
    W1: init(d * h, d),
    b1: new Float64Array(h),
    W2: h === 0 ? new Float64Array(d * c) : init(h * c, h),
    b2: new Float64Array(c),
  };
  const adam = new Adam([net.W1, net.b1, net.W2, net.b2], o.lr);
  const all = train.x.map((_, i) => i);
  const valIdx = validation.x.map((_, i) => i);
  const curve: CurvePoint[] = [];
  let best = { loss: Infinity, epoch: 0, snap: [net.W1.slice(), net.b1.slice(), net.W2.slice(), net.b2.slice()] };
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const order = shuffled(all, rng);
    for (let start = 0; start < order.length; start += o.batchSize) {
      const batch = order.slice(start, start + o.batchSize);
      const g = [
        new Float64Array(net.W1.length),
        new Float64Array(h),
        new Float64Array(net.W2.length),
        new Float64Array(c),
      ] as const;
      for (const i of batch) {
        const x = train.x[i] ?? [];
        const { hid, p } = forward(net, x);
        const dz = p.map((v, k) => v - (k === train.y[i] ? 1 : 0));
        for (let j = 0; j < width; j++)
          for (let k = 0; k < c; k++) g[2][j * c + k] = (g[2][j * c + k] ?? 0) + (hid[j] ?? 0) * (dz[k] ?? 0);
        for (let k = 0; k < c; k++) g[3][k] = (g[3][k] ?? 0) + (dz[k] ?? 0);
        if (h > 0) {
          for (let j = 0; j < h; j++) {
            if ((hid[j] ?? 0) <= 0) continue;
            let dh = 0;
            for (let k = 0; k < c; k++) dh += (net.W2[j * c + k] ?? 0) * (dz[k] ?? 0);
            g[1][j] = (g[1][j] ?? 0) + dh;
            for (let q = 0; q < d; q++) g[0][q * h + j] = (g[0][q * h + j] ?? 0) + (x[q] ?? 0) * dh;
          }
        }
      }
      const n = batch.length;
      g.forEach((arr) => arr.forEach((v, i) => (arr[i] = v / n)));
      g[0].forEach((v, i) => (g[0][i] = v + o.l2 * (net.W1[i] ?? 0)));
      g[2].forEach((v, i) => (g[2][i] = v + o.l2 * (net.W2[i] ?? 0)));
      adam.step([g[0], g[1], g[2], g[3]]);
    }
    const trainLoss = loss(net, train, all);
    const valLoss = valIdx.length ? loss(net, validation, valIdx) : trainLoss;
    curve.push({ step: epoch, train: trainLoss, validation: valLoss });
    if (valLoss < best.loss - 1e-6)
      best = { loss: valLoss, epoch, snap: [net.W1.slice(), net.b1.slice(), net.W2.slice(), net.b2.slice()] };
    else if (epoch - best.epoch >= o.patience) break;
  }
  const [W1, b1, W2, b2] = best.snap as [Float64Array, Float64Array, Float64Array, Float64Array];
  const mat = (a: Float64Array, rows: number, cols: number): number[][] =>
    Array.from({ length: rows }, (_, r) => Array.from(a.subarray(r * cols, r * cols + cols)));
  const params: ModelParams =
    h === 0
      ? { kind: "softmax", W: f32(mat(W2, d, c)), b: f32([Array.from(b2)])[0] ?? [] }
      : {
          kind: "mlp",
          W1: f32(mat(W1, d, h)),
          b1: f32([Array.from(b1)])[0] ?? [],
          W2: f32(mat(W2, h, c)),
          b2: f32([Array.from(b2)])[0] ?? [],
        };
  return { params, curve };
}

/** Class probabilities of standardised rows under softmax or MLP parameters. */
export function predictNet(params: ModelParams, x: readonly (readonly number[])[]): number[][] {
  if (params.kind === "softmax") return x.map((r) => softmax(affine(r, params.W, params.b)));
  if (params.kind === "mlp")
    return x.map((r) =>
      softmax(
        affine(
          affine(r, params.W1, params.b1).map((v) => (v > 0 ? v : 0)),
          params.W2,
          params.b2,
        ),
      ),
    );
  throw new Error(`predictNet: not a network (${params.kind})`);
}
