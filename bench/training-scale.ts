/**
 * The scale half of `npm run bench -- training`: a synthetic 200,000 × 10 table (a 0/1 label and a continuous
 * target) goes through ingest (rows/s into the Cosmos DB emulator), a dataset snapshot and the version read that
 * `train` does (rows/s), and the linear and logistic fits, timed beside scikit-learn fitting the same rows in the
 * same run (Debian's python3-sklearn; skipped with a message when it is not installed).
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { PlatformConnection } from "@ai-platform/registry";
import { ingestFile } from "@ai-platform/training";
import { openPlatformData } from "../services/training/src/platform.js";
import { readDatasetVersion, snapshotWithRows } from "../services/training/src/data/versions.js";
import { buildTable } from "../services/training/src/data/table.js";
import { fitModel } from "../services/training/src/ml/fit.js";
import { trainValidationTestSplit } from "../services/training/src/ml/split.js";
import { createRng } from "../services/training/src/ml/random.js";

/** What the scale run measured. */
export interface ScaleResult {
  rows: number;
  features: number;
  ingestRowsPerSecond: number;
  snapshotRowsPerSecond: number;
  readRowsPerSecond: number;
  fits: { algorithm: "linear" | "logistic"; seconds: number; sklearnSeconds: number | undefined }[];
  sklearn: string;
}

const python = "/usr/bin/python3";
const sklearnFit = String.raw`
import sys, time, numpy as np
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.preprocessing import StandardScaler
d = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
X, yc, yv = d[:, :-2], d[:, -2], d[:, -1]
n = int(len(X) * 0.6)
t = time.perf_counter(); LinearRegression().fit(StandardScaler().fit_transform(X[:n]), yv[:n]); lin = time.perf_counter() - t
t = time.perf_counter(); LogisticRegression(max_iter=1000).fit(StandardScaler().fit_transform(X[:n]), yc[:n]); log = time.perf_counter() - t
print(lin, log)
`;

/** Runs the scale measurements on `conn` (emulators already started) with files under `dir`. */
export async function runScaleBench(conn: PlatformConnection, dir: string, rows: number): Promise<ScaleResult> {
  const d = 10;
  const rng = createRng(7);
  const header = [...Array.from({ length: d }, (_, j) => `f${j}`), "y_class", "y_value"].join(",");
  const lines = [header];
  for (let i = 0; i < rows; i++) {
    const x = Array.from({ length: d }, () => rng() * 4 - 2);
    const z = x.reduce((s, v, j) => s + v * (j % 3 === 0 ? 1 : -0.5), 0) + (rng() - 0.5);
    lines.push(`${x.map((v) => v.toFixed(4)).join(",")},${z > 0 ? 1 : 0},${(3 * z + 1).toFixed(4)}`);
  }
  const file = join(dir, "scale.csv");
  writeFileSync(file, lines.join("\n") + "\n");
  const ingest = await ingestFile(conn, {
    file,
    dataset: "scale",
    label: "y_class",
    rejectedPath: join(dir, "scale.rej"),
  });
  const data = openPlatformData(conn);
  let snapshotSeconds: number, readSeconds: number, table: ReturnType<typeof buildTable>;
  let regression: ReturnType<typeof buildTable>;
  try {
    let t = performance.now();
    const { version } = await snapshotWithRows(data, "scale", { actor: "bench", changeFeedPosition: false });
    snapshotSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    const read = await readDatasetVersion(data, version);
    readSeconds = (performance.now() - t) / 1000;
    table = buildTable(read, version.schema, { exclude: ["y_value"] });
    regression = buildTable(read, version.schema, { label: "y_value", exclude: ["y_class"] });
  } finally {
    data.close();
  }
  const fits: ScaleResult["fits"] = [];
  const haveSklearn = spawnSync(python, ["-c", "import sklearn"]).status === 0;
  const reference = haveSklearn
    ? spawnSync(python, ["-c", sklearnFit, file], { encoding: "utf8" }).stdout.trim().split(" ").map(Number)
    : [];
  for (const [algorithm, t] of [
    ["linear", regression],
    ["logistic", table],
  ] as const) {
    const split = trainValidationTestSplit(t.data.y, { stratify: algorithm === "logistic", seed: 42 });
    const started = performance.now();
    fitModel(algorithm, t.data, split.train, split.validation, {}, 42);
    fits.push({
      algorithm,
      seconds: (performance.now() - started) / 1000,
      sklearnSeconds: reference[algorithm === "linear" ? 0 : 1],
    });
  }
  return {
    rows,
    features: d,
    ingestRowsPerSecond: ingest.rowsPerSecond,
    snapshotRowsPerSecond: rows / snapshotSeconds,
    readRowsPerSecond: rows / readSeconds,
    fits,
    sklearn: haveSklearn
      ? "scikit-learn (python3-sklearn), same rows, same run"
      : "scikit-learn not installed (apt-get install -y python3-sklearn): its column is empty",
  };
}

/** The markdown table of a {@link ScaleResult}. */
export function scaleTable(r: ScaleResult): string {
  const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
  return [
    `| ${fmt(r.rows)} rows × ${r.features} features | value |`,
    "|---|---:|",
    `| ingest (CSV → Cosmos DB emulator, bulk), rows/s | ${fmt(r.ingestRowsPerSecond)} |`,
    `| train's read: snapshot from the merged ingest-run exports, rows handed to training, rows/s | ${fmt(r.snapshotRowsPerSecond)} |`,
    `| re-reading an existing version (\`--dataset-version\`: blob export, hash-verified), rows/s | ${fmt(r.readRowsPerSecond)} |`,
    "",
    "| fit on the 60% training split | ours, s | scikit-learn, s | ratio |",
    "|---|---:|---:|---:|",
    ...r.fits.map(
      (f) =>
        `| ${f.algorithm} | ${f.seconds.toFixed(2)} | ${f.sklearnSeconds?.toFixed(2) ?? "—"} | ${f.sklearnSeconds ? (f.seconds / f.sklearnSeconds).toFixed(1) + "×" : "—"} |`,
    ),
    "",
    r.sklearn,
  ].join("\n");
}
