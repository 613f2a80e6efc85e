/**
 * `train`: dataset version → clean/split → (search) → fit → test metrics → ONNX export + parity gate → report →
 * artifacts → registry record (a candidate). Every random choice is seeded.
 */
import {
  openRegistry,
  type ArtifactStore,
  type ModelRegistry,
  type ModelVersion,
  type PlatformConnection,
} from "@ai-platform/registry";
import {
  getDatasetVersion,
  readDatasetVersion,
  snapshotIncremental,
  snapshotWithRows,
  type DatasetVersion,
} from "../data/versions.js";
import type { RowDoc } from "../data/ingest.js";
import { featureBaselines } from "../ml/baseline.js";
import { algorithmTasks, defaultHyperparameters, fitModel, predict, type Dataset } from "../ml/fit.js";
import { classificationMetrics, confusionMatrix, regressionMetrics, rocCurve, argmax } from "../ml/metrics.js";
import { algorithms, type Algorithm, type Task } from "../ml/model.js";
import { bestTrial, runTrial, searchTrials, type SearchOptions, type TrialResult } from "../ml/search.js";
import { runTrialsWithWorkers } from "../scale-out/pool.js";
import { trainValidationTestSplit } from "../ml/split.js";
import { exportOnnx, onnxIrVersion, onnxOpset, signatureOf } from "../onnx/export.js";
import { checkParity } from "../onnx/parity.js";
import { openPlatformData, type PlatformData } from "../platform.js";
import { renderReport } from "./report.js";
import { heldOutJsonl } from "./held-out.js";
import { buildTable } from "../data/table.js";

/** Options of {@link trainModel}. */
export interface TrainOptions {
  dataset: string;
  /** Train on this existing dataset version; default: snapshot the dataset now. */
  datasetVersion?: string;
  /** Incremental: snapshot = this version + only the rows changed since, then train on it. */
  incrementalFrom?: string;
  model: string;
  /** Default `logistic` for classification, `linear` for regression. */
  algorithm?: Algorithm;
  label?: string;
  task?: Task;
  /** Use exactly these feature columns (overrides the automatic exclusion of date/time and free-text columns). */
  features?: string[];
  /** Leave these columns out of the features. */
  exclude?: string[];
  /** Hyperparameter search over the algorithm's space; default none (the defaults, fastest). */
  search?: "grid" | "random";
  /** Random-search trials (default 8). */
  trials?: number;
  /** Cross-validation folds (default 3). */
  folds?: number;
  /** Seed of split, initialisation and search (default 42). */
  seed?: number;
  /** Overrides of the algorithm's default hyperparameters. */
  hyperparameters?: Record<string, number>;
  /** Who trains (recorded on the version). */
  actor: string;
  /** Structured progress events. */
  onLog?: (event: Record<string, unknown>) => void;
  /** Local worker processes for search trials (trial `i` runs on worker `i % workers`); default 1 (in process). */
  workers?: number;
}

/** What training produced. */
export interface TrainResult {
  version: ModelVersion;
  datasetVersion: DatasetVersion;
  parity: { rows: number; maxAbsDiff: number };
  seconds: number;
  search?: { trials: number; best: TrialResult };
}

/** Trains and registers a model; opens and closes its own clients. */
export async function trainModel(conn: PlatformConnection, opts: TrainOptions): Promise<TrainResult> {
  const data = openPlatformData(conn);
  const reg = await openRegistry(conn);
  try {
    return await trainWith(data, reg, opts);
  } finally {
    reg.close();
    data.close();
  }
}

/** The dataset version to train on, and its rows (read from its export, or handed back by a fresh snapshot). */
async function resolveVersion(
  data: PlatformData,
  o: TrainOptions,
): Promise<{ version: DatasetVersion; rows: RowDoc[] }> {
  if (o.datasetVersion) {
    const v = await getDatasetVersion(data, o.dataset, o.datasetVersion);
    if (!v) throw new Error(`--dataset-version: ${o.dataset}@${o.datasetVersion} does not exist`);
    return { version: v, rows: await readDatasetVersion(data, v) };
  }
  if (o.incrementalFrom) {
    const base = await getDatasetVersion(data, o.dataset, o.incrementalFrom);
    if (!base) throw new Error(`--incremental-from: ${o.dataset}@${o.incrementalFrom} does not exist`);
    const { version, changed } = await snapshotIncremental(data, base, { actor: o.actor });
    o.onLog?.({ event: "incremental-snapshot", base: base.version, version: version.version, changedRows: changed });
    return { version, rows: await readDatasetVersion(data, version) };
  }
  return snapshotWithRows(data, o.dataset, { actor: o.actor, reuseUnchanged: true, changeFeedPosition: false });
}

/** The search work handed to a trial runner: every trial, numbered. */
export interface TrialWork {
  algorithm: Algorithm;
  data: Dataset;
  train: number[];
  trials: { index: number; hyperparameters: Record<string, number> }[];
  options: SearchOptions;
}

/** Trains with open clients (the CLI and the job share this). */
export async function trainWith(
  data: PlatformData,
  reg: { registry: ModelRegistry; artifacts: ArtifactStore },
  o: TrainOptions,
): Promise<TrainResult> {
  const result = await trainCore(data, reg, o, async (work) =>
    (o.workers ?? 1) > 1
      ? runTrialsWithWorkers(work, o.workers ?? 1)
      : work.trials.map((t) =>
          runTrial(work.algorithm, work.data, work.train, t.index, t.hyperparameters, work.options),
        ),
  );
  if (!result) throw new Error("training produced no model");
  return result;
}

/**
 * The pipeline with a pluggable trial runner. A runner that returns `undefined` defers: this process ran its
 * share of the search and another one finishes (the Indexed-Job case); then nothing is fitted or registered here.
 */
export async function trainCore(
  data: PlatformData,
  reg: { registry: ModelRegistry; artifacts: ArtifactStore },
  o: TrainOptions,
  runTrials: (work: TrialWork) => Promise<TrialResult[] | undefined>,
): Promise<TrainResult | undefined> {
  const started = performance.now();
  if (o.algorithm && !algorithms.includes(o.algorithm))
    throw new Error(`--algorithm: "${String(o.algorithm)}" is not one of ${algorithms.join(", ")}`);
  const seed = o.seed ?? 42;
  const { version: datasetVersion, rows } = await resolveVersion(data, o);
  const table = buildTable(rows, datasetVersion.schema, {
    ...(o.label ? { label: o.label } : {}),
    ...(o.task ? { task: o.task } : {}),
    ...(o.algorithm ? { algorithm: o.algorithm } : {}),
    ...(o.features ? { features: o.features } : {}),
    ...(o.exclude ? { exclude: o.exclude } : {}),
  });
  const { data: ds } = table;
  const algorithm: Algorithm = o.algorithm ?? (ds.task === "classification" ? "logistic" : "linear");
  if (!algorithmTasks[algorithm].includes(ds.task))
    throw new Error(
      `--algorithm: ${algorithm} does not do ${ds.task}, and "${table.label}" means ${ds.task} (${table.decision.reason}); pass --task or another algorithm`,
    );
  o.onLog?.({
    event: "data",
    dataset: o.dataset,
    version: datasetVersion.version,
    rows: ds.x.length,
    features: table.features.map((f) => f.name),
    task: ds.task,
    taskReason: table.decision.reason,
    ...(table.notes.length ? { notes: table.notes } : {}),
  });
  const split = trainValidationTestSplit(ds.y, { stratify: ds.task === "classification", seed });
  let hp: Record<string, number> = { ...defaultHyperparameters[algorithm], ...o.hyperparameters };
  let search: TrainResult["search"];
  if (o.search) {
    const searchOpts = { kind: o.search, trials: o.trials ?? 8, folds: o.folds ?? 3, seed };
    const trials = searchTrials(algorithm, searchOpts);
    const indexed = trials.map((t, index) => ({ index, hyperparameters: { ...hp, ...t } }));
    const results = await runTrials({ algorithm, data: ds, train: split.train, trials: indexed, options: searchOpts });
    if (!results) return undefined;
    const best = bestTrial(results);
    hp = { ...hp, ...best.hyperparameters };
    search = { trials: results.length, best };
    o.onLog?.({
      event: "search",
      kind: o.search,
      trials: results.length,
      best: best.hyperparameters,
      cvScore: best.score,
    });
  }
  const model = fitModel(algorithm, ds, split.train, split.validation, hp, seed);
  const testX = split.test.map((i) => ds.x[i] ?? []);
  const testY = split.test.map((i) => ds.y[i] ?? 0);
  const out = predict(model, testX);
  const labels = table.classes?.names ?? [];
  let metrics: Record<string, number>;
  let extras: Parameters<typeof renderReport>[0]["roc"];
  let confusion: { labels: string[]; matrix: number[][] } | undefined;
  if (ds.task === "classification") {
    const probs = out.probabilities ?? [];
    metrics = { ...classificationMetrics(testY, probs, ds.classes) };
    confusion = { labels, matrix: confusionMatrix(testY, probs.map(argmax), ds.classes) };
    const classesToPlot = ds.classes === 2 ? [1] : labels.map((_, c) => c);
    extras = classesToPlot.map((c) => ({
      label: labels[c] ?? String(c),
      points: rocCurve(
        testY.map((t) => t === c),
        probs.map((p) => p[c] ?? 0),
      ),
    }));
  } else {
    metrics = { ...regressionMetrics(testY, out.values ?? []) };
  }
  const meta = { features: table.features, ...(table.classes ? { classes: table.classes } : {}) };
  const bytes = exportOnnx(model, o.model, meta);
  const testRows = split.test.map((i) => table.values[i] ?? {});
  const parity = await checkParity(model, bytes, testRows, meta); // throws ParityError: the job fails loudly
  metrics.parity_max_abs_diff = parity.maxAbsDiff;
  o.onLog?.({ event: "evaluated", algorithm, metrics });
  const artifact = await reg.artifacts.put(bytes, { contentType: "application/octet-stream", fileName: "model.onnx" });
  const heldOut = heldOutJsonl(
    split.test.map((i) => ({
      values: table.values[i] ?? {},
      target: ds.task === "classification" ? (labels[ds.y[i] ?? 0] ?? "") : (ds.y[i] ?? NaN),
    })),
  );
  const heldOutRef = await reg.artifacts.put(heldOut, {
    contentType: "application/x-ndjson",
    fileName: "heldout.jsonl",
  });
  const html = renderReport({
    model: o.model,
    algorithm,
    dataset: `${o.dataset}@${datasetVersion.version}`,
    metrics,
    hyperparameters: hp,
    curve: model.curve,
    curveLabel:
      algorithm === "forest"
        ? ds.task === "classification"
          ? "error rate"
          : "MSE"
        : ds.task === "classification"
          ? "log loss"
          : "MSE",
    ...(extras ? { roc: extras } : {}),
    ...(confusion ? { confusion } : {}),
    notes: [`task: ${ds.task} (${table.decision.reason})`, ...table.notes],
  });
  const report = await reg.artifacts.put(new TextEncoder().encode(html), {
    contentType: "text/html",
    fileName: "report.html",
  });
  const version = await reg.registry.register({
    name: o.model,
    createdBy: o.actor,
    artifact: {
      uri: artifact.uri,
      sha256: artifact.sha256,
      sizeBytes: artifact.sizeBytes,
      format: "onnx",
      opset: onnxOpset,
      irVersion: onnxIrVersion,
    },
    signature: signatureOf(model, meta),
    task: ds.task,
    ...(table.classes ? { labels: table.classes.names } : {}),
    ...(table.notes.length ? { notes: table.notes } : {}),
    acceptsMissing: true,
    algorithm,
    hyperparameters: { ...hp, seed, ...(o.search ? { search: o.search } : {}) },
    metrics,
    dataset: {
      name: o.dataset,
      version: datasetVersion.version,
      rowCount: datasetVersion.rowCount,
      contentHash: datasetVersion.contentHash,
    },
    baseline: {
      features: featureBaselines(
        table.encodedNames,
        split.train.map((i) => ds.x[i] ?? []),
      ).filter((f) => table.features.some((s) => s.kind === "number" && s.name === f.name)),
    },
    report: { uri: report.uri, sha256: report.sha256 },
    evaluation: { heldOutUri: heldOutRef.uri, heldOutSha256: heldOutRef.sha256, rows: split.test.length },
  });
  o.onLog?.({ event: "registered", model: o.model, version: version.version });
  return {
    version,
    datasetVersion,
    parity,
    seconds: (performance.now() - started) / 1000,
    ...(search ? { search } : {}),
  };
}
