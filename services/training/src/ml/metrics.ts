/** Evaluation metrics on held-out data. Pure functions; classes are indices 0..C-1. */

/** Classification metrics (macro averages over classes). */
export interface ClassificationMetrics {
  accuracy: number;
  precision_macro: number;
  recall_macro: number;
  f1_macro: number;
  log_loss: number;
  /** Binary: ROC AUC of class 1. Multiclass: macro one-vs-rest AUC. */
  roc_auc: number;
}

/** `matrix[true][predicted]` counts. */
export function confusionMatrix(yTrue: readonly number[], yPred: readonly number[], classes: number): number[][] {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  yTrue.forEach((t, i) => {
    const row = m[t];
    const p = yPred[i] ?? 0;
    if (row) row[p] = (row[p] ?? 0) + 1;
  });
  return m;
}

/** Area under the ROC curve of `scores` for the positive labels (ties count half; Mann–Whitney form). */
export function rocAuc(positive: readonly boolean[], scores: readonly number[]): number {
  const pairs = scores.map((s, i) => ({ s, p: positive[i] ?? false })).sort((a, b) => a.s - b.s);
  let rank = 1;
  let posRankSum = 0;
  let nPos = 0;
  for (let i = 0; i < pairs.length;) {
    let j = i + 1; // a NaN score equals nothing, itself included: each group holds at least its first pair
    while (j < pairs.length && pairs[j]?.s === pairs[i]?.s) j++;
    const avg = (rank + rank + (j - i) - 1) / 2;
    for (let k = i; k < j; k++)
      if (pairs[k]?.p) {
        posRankSum += avg;
        nPos += 1;
      }
    rank += j - i;
    i = j;
  }
  const nNeg = pairs.length - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  return (posRankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** ROC curve points (fpr, tpr) for plotting, thresholds descending. */
export function rocCurve(positive: readonly boolean[], scores: readonly number[]): { fpr: number; tpr: number }[] {
  const order = scores.map((s, i) => ({ s, p: positive[i] ?? false })).sort((a, b) => b.s - a.s);
  const nPos = order.filter((o) => o.p).length;
  const nNeg = order.length - nPos;
  const points = [{ fpr: 0, tpr: 0 }];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < order.length; i++) {
    if (order[i]?.p) tp++;
    else fp++;
    if (i === order.length - 1 || order[i + 1]?.s !== order[i]?.s)
      points.push({ fpr: nNeg ? fp / nNeg : 0, tpr: nPos ? tp / nPos : 0 });
  }
  return points;
}

/** Accuracy, macro precision/recall/F1, log loss and ROC AUC from true classes and predicted probabilities. */
export function classificationMetrics(
  yTrue: readonly number[],
  probabilities: readonly (readonly number[])[],
  classes: number,
): ClassificationMetrics {
  const yPred = probabilities.map(argmax);
  const m = confusionMatrix(yTrue, yPred, classes);
  let p = 0,
    r = 0,
    f = 0;
  for (let c = 0; c < classes; c++) {
    const tp = m[c]?.[c] ?? 0;
    const predicted = m.reduce((s, row) => s + (row[c] ?? 0), 0);
    const actual = (m[c] ?? []).reduce((s, v) => s + v, 0);
    const prec = predicted ? tp / predicted : 0;
    const rec = actual ? tp / actual : 0;
    p += prec;
    r += rec;
    f += prec + rec ? (2 * prec * rec) / (prec + rec) : 0;
  }
  const eps = 1e-15;
  const logLoss =
    -yTrue.reduce((s, t, i) => s + Math.log(Math.min(1 - eps, Math.max(eps, probabilities[i]?.[t] ?? 0))), 0) /
    Math.max(1, yTrue.length);
  const auc =
    classes === 2
      ? rocAuc(
          yTrue.map((t) => t === 1),
          probabilities.map((pr) => pr[1] ?? 0),
        )
      : Array.from({ length: classes }, (_, c) =>
          rocAuc(
            yTrue.map((t) => t === c),
            probabilities.map((pr) => pr[c] ?? 0),
          ),
        )
          .filter((a) => !Number.isNaN(a))
          .reduce((s, a, _i, all) => s + a / all.length, 0);
  return {
    accuracy: yTrue.filter((t, i) => t === yPred[i]).length / Math.max(1, yTrue.length),
    precision_macro: p / classes,
    recall_macro: r / classes,
    f1_macro: f / classes,
    log_loss: logLoss,
    roc_auc: auc,
  };
}

/** Mean squared error, mean absolute error and R². */
export function regressionMetrics(
  yTrue: readonly number[],
  yPred: readonly number[],
): { mse: number; mae: number; r2: number } {
  const n = Math.max(1, yTrue.length);
  const mean = yTrue.reduce((s, v) => s + v, 0) / n;
  let se = 0,
    ae = 0,
    tot = 0;
  yTrue.forEach((t, i) => {
    const e = t - (yPred[i] ?? 0);
    se += e * e;
    ae += Math.abs(e);
    tot += (t - mean) ** 2;
  });
  return { mse: se / n, mae: ae / n, r2: tot > 0 ? 1 - se / tot : 0 };
}

/** Index of the largest value (first on ties, as ONNX ArgMax). */
export function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] ?? -Infinity) > (values[best] ?? -Infinity)) best = i;
  return best;
}
