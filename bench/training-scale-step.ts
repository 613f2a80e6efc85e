/**
 * One step of the scale benchmark in a process of its own, as a user's `npx ai-platform ingest|train` runs beside
 * `npm start`: `tsx bench/training-scale-step.ts <ingest|train|fit> <connection JSON> <file|dataset> [dataset|model]`.
 * Prints one JSON line: the step's figures and the process's peak resident memory, so memory per step is measured
 * alone. `fit` re-reads the version `train` made and times the linear and logistic fits (best of five each) in
 * a process that holds nothing else.
 */
import { ingestFile, trainModel } from "@ai-platform/training";
import type { PlatformConnection } from "@ai-platform/registry";
import { openPlatformData } from "../services/training/src/platform.js";
import { getDatasetVersion, readDatasetVersion } from "../services/training/src/data/versions.js";
import { buildTable } from "../services/training/src/data/table.js";
import { fitModel } from "../services/training/src/ml/fit.js";
import { trainValidationTestSplit } from "../services/training/src/ml/split.js";

/** What a step prints. */
export interface StepResult {
  step: "ingest" | "train" | "fit";
  rows: number;
  seconds: number;
  /** Train: seconds until the rows were read and encoded (snapshot from the ingest exports, table built). */
  readSeconds?: number;
  /** Peak resident set size of the step's process, MB. */
  maxRssMb: number;
  /** Fit: re-reading the version (`--dataset-version`, hash-verified), rows/s. */
  rereadRowsPerSecond?: number;
  /** Fit: each algorithm's best of five fits on the 60% training split, seconds. */
  fits?: { algorithm: "linear" | "logistic"; seconds: number }[];
}

/** Re-reads version v1 of `dataset` and times the fits on it. */
async function fitStep(conn: PlatformConnection, dataset: string): Promise<StepResult> {
  const data = openPlatformData(conn);
  let read: Awaited<ReturnType<typeof readDatasetVersion>>;
  let version: NonNullable<Awaited<ReturnType<typeof getDatasetVersion>>>;
  const started = performance.now();
  try {
    const found = await getDatasetVersion(data, dataset, "v1");
    if (!found) throw new Error(`${dataset}@v1 does not exist`);
    version = found;
    read = await readDatasetVersion(data, version);
  } finally {
    data.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const fits: NonNullable<StepResult["fits"]> = [];
  for (const algorithm of ["linear", "logistic"] as const) {
    const table =
      algorithm === "linear"
        ? buildTable(read, version.schema, { label: "y_value", exclude: ["y_class"] })
        : buildTable(read, version.schema, { exclude: ["y_value"] });
    const split = trainValidationTestSplit(table.data.y, { stratify: algorithm === "logistic", seed: 42 });
    const times = [0, 1, 2, 3, 4].map(() => {
      const t = performance.now();
      fitModel(algorithm, table.data, split.train, split.validation, {}, 42);
      return (performance.now() - t) / 1000;
    });
    fits.push({ algorithm, seconds: Math.min(...times) });
  }
  return {
    step: "fit",
    rows: read.length,
    seconds,
    rereadRowsPerSecond: read.length / seconds,
    fits,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

async function main(): Promise<StepResult> {
  const [step, connJson, target, name] = process.argv.slice(2);
  const conn = JSON.parse(connJson ?? "{}") as PlatformConnection;
  const started = performance.now();
  if (step === "ingest") {
    const s = await ingestFile(conn, {
      file: target ?? "",
      dataset: name ?? "scale",
      label: "y_class",
      rejectedPath: `${target}.rejected.jsonl`,
    });
    return { step, rows: s.written, seconds: s.seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 };
  }
  if (step === "fit") return fitStep(conn, target ?? "scale");
  if (step !== "train") throw new Error(`unknown step ${step}`);
  let readSeconds = NaN;
  let rows = 0;
  await trainModel(conn, {
    dataset: target ?? "scale",
    model: name ?? "scale",
    algorithm: "logistic",
    exclude: ["y_value"],
    actor: "bench",
    onLog: (e) => {
      if (e.event !== "data") return;
      readSeconds = (performance.now() - started) / 1000;
      rows = Number(e.rows);
    },
  });
  return {
    step,
    rows,
    seconds: (performance.now() - started) / 1000,
    readSeconds,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

main().then(
  (r) => {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
