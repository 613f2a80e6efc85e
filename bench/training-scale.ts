/**
 * The scale half of `npm run bench -- training`: a synthetic N × 10 table (a 0/1 label and a continuous target) goes
 * through the local platform as a user drives it: the data plane `npm start` runs (durable Cosmos DB emulator and
 * Azurite, in a process of their own) and `ingest` and `train` each in their own process, so each reports its own
 * time and peak memory. A third process re-reads the version and times the linear and logistic fits beside
 * scikit-learn fitting the same rows in the same run (Debian's python3-sklearn; skipped with a message when it is not
 * installed), each side's best of five: the lower bound Python's timeit recommends, since slower repeats measure
 * interference (a collection, another process), not the code.
 */
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { platformDatabaseId } from "../components/data-layout";
import { createPlatformData } from "../local/emulators";
import { startEmulatorProcess } from "../local/emulator-process";
import { createRng } from "../services/training/src/ml/random.js";
import type { StepResult } from "./training-scale-step";

/** What the scale run measured. */
export interface ScaleResult {
  rows: number;
  features: number;
  ingest: StepResult;
  train: StepResult;
  /** Re-reading the version `train` made (`--dataset-version`), rows/s; absent without fits. */
  rereadRowsPerSecond?: number;
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
def best_of_5(fit):
    times = []
    for _ in range(5):
        t = time.perf_counter(); fit(); times.append(time.perf_counter() - t)
    return min(times)
lin = best_of_5(lambda: LinearRegression().fit(StandardScaler().fit_transform(X[:n]), yv[:n]))
log = best_of_5(lambda: LogisticRegression(max_iter=1000).fit(StandardScaler().fit_transform(X[:n]), yc[:n]))
print(lin, log)
`;

/** Writes the synthetic table to `file`, 10,000 lines at a time. */
function writeTable(file: string, rows: number, d: number): void {
  const rng = createRng(7);
  writeFileSync(file, [...Array.from({ length: d }, (_, j) => `f${j}`), "y_class", "y_value"].join(",") + "\n");
  for (let start = 0; start < rows; start += 10_000) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(rows, start + 10_000); i++) {
      const x = Array.from({ length: d }, () => rng() * 4 - 2);
      const z = x.reduce((s, v, j) => s + v * (j % 3 === 0 ? 1 : -0.5), 0) + (rng() - 0.5);
      lines.push(`${x.map((v) => v.toFixed(4)).join(",")},${z > 0 ? 1 : 0},${(3 * z + 1).toFixed(4)}\n`);
    }
    appendFileSync(file, lines.join(""));
  }
}

/** Runs one step in its own process (see `training-scale-step.ts`). */
function runStep(args: string[]): Promise<StepResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(__dirname, "training-scale-step.ts"), ...args], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
    child.once("exit", (code) =>
      code === 0 ? resolve(JSON.parse(out) as StepResult) : reject(new Error(`step ${args[0]} exited ${code}`)),
    );
  });
}

/**
 * Runs the scale measurements with `rows` rows under `dir`: ingest and train against a fresh data plane, then (with
 * `fits`) the version re-read and the fits beside scikit-learn.
 */
export async function runScaleBench(dir: string, rows: number, opts: { fits: boolean }): Promise<ScaleResult> {
  const d = 10;
  const file = join(dir, `scale-${rows}.csv`);
  writeTable(file, rows, d);
  const host = await startEmulatorProcess(join(dir, `scale-${rows}-data`));
  const conn = {
    cosmos: { endpoint: host.cosmos.endpoint, database: platformDatabaseId, key: host.cosmos.key },
    storage: host.storage,
  };
  try {
    await createPlatformData(conn);
    const ingest = await runStep(["ingest", JSON.stringify(conn), file, "scale"]);
    const train = await runStep(["train", JSON.stringify(conn), "scale", "scale"]);
    const result: ScaleResult = { rows, features: d, ingest, train, fits: [], sklearn: "" };
    if (!opts.fits) return result;
    const fit = await runStep(["fit", JSON.stringify(conn), "scale"]);
    if (fit.rereadRowsPerSecond !== undefined) result.rereadRowsPerSecond = fit.rereadRowsPerSecond;
    const haveSklearn = spawnSync(python, ["-c", "import sklearn"]).status === 0;
    const reference = haveSklearn
      ? spawnSync(python, ["-c", sklearnFit, file], { encoding: "utf8" }).stdout.trim().split(" ").map(Number)
      : [];
    result.fits = (fit.fits ?? []).map((f) => ({
      ...f,
      sklearnSeconds: reference[f.algorithm === "linear" ? 0 : 1],
    }));
    result.sklearn = haveSklearn
      ? "scikit-learn (python3-sklearn), same rows, same run"
      : "scikit-learn not installed (apt-get install -y python3-sklearn): its column is empty";
    return result;
  } finally {
    await host.kill("SIGTERM");
  }
}

/** The markdown table of a {@link ScaleResult}. */
export function scaleTable(r: ScaleResult): string {
  const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
  const lines = [
    `| ${fmt(r.rows)} rows × ${r.features} features | value |`,
    "|---|---:|",
    `| ingest (CSV → durable Cosmos DB emulator, own process), rows/s | ${fmt(r.ingest.rows / r.ingest.seconds)} |`,
    `| ingest peak memory, MB | ${fmt(r.ingest.maxRssMb)} |`,
    `| train's read (snapshot from the ingest exports, table built), rows/s | ${fmt(r.train.rows / (r.train.readSeconds ?? NaN))} |`,
    `| train, logistic, whole pipeline (read, fit, evaluate, ONNX parity, register), s | ${r.train.seconds.toFixed(1)} |`,
    `| train peak memory, MB | ${fmt(r.train.maxRssMb)} |`,
    ...(r.rereadRowsPerSecond
      ? [`| re-reading that version (\`--dataset-version\`, hash-verified), rows/s | ${fmt(r.rereadRowsPerSecond)} |`]
      : []),
  ];
  if (r.fits.length === 0) return lines.join("\n");
  return [
    ...lines,
    "",
    "| fit on the 60% training split (best of 5) | ours, s | scikit-learn, s | ratio |",
    "|---|---:|---:|---:|",
    ...r.fits.map(
      (f) =>
        `| ${f.algorithm} | ${f.seconds.toFixed(2)} | ${f.sklearnSeconds?.toFixed(2) ?? "—"} | ${f.sklearnSeconds ? (f.seconds / f.sklearnSeconds).toFixed(1) + "×" : "—"} |`,
    ),
    "",
    r.sklearn,
  ].join("\n");
}
