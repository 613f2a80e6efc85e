/**
 * `npm run bench -- training`: ingest throughput into the local Cosmos DB emulator (bulk vs one-by-one) and, per
 * algorithm, the full train pipeline time (read version → fit → evaluate → ONNX export + parity → register) and
 * test-split accuracy on iris, side by side with iris' published reference accuracy. Writes training.md + .json.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { demoDataset, ingestFile, trainModel, type Algorithm } from "@ai-platform/training";
import { platformDatabaseId } from "../components/data-layout";
import { createPlatformData, startAzurite, startCosmosEmulator } from "../local/emulators";
import { runScaleBench, scaleTable } from "./training-scale";

/** Options of {@link runTrainingBench}. */
export interface TrainingBenchOptions {
  /** Where training.md and training.json go (created if missing). */
  outDir: string;
  /** Rows for each ingest measurement (default 3000; the same rows for bulk and one-by-one). */
  ingestRows?: number;
  /** Rows of the scale run (default 200,000; `BENCH_TRAINING_ROWS` overrides for a quick look). */
  scaleRows?: number;
  /** Rows of the large run: ingest and train only (default 1,000,000; `BENCH_TRAINING_LARGE_ROWS`, 0 skips it). */
  largeRows?: number;
}

interface AlgoRow {
  algorithm: Algorithm;
  task: string;
  seconds: number;
  metric: string;
  value: number;
  reference: string;
}

/** Runs the benchmark against freshly started emulators and writes the table. */
export async function runTrainingBench(opts: TrainingBenchOptions): Promise<void> {
  const n = opts.ingestRows ?? 3000;
  const dir = mkdtempSync(join(tmpdir(), "ai-platform-bench-"));
  const cosmos = await startCosmosEmulator({ port: 0 });
  const azurite = await startAzurite({ port: 0, location: join(dir, "azurite") });
  const conn = {
    cosmos: { endpoint: cosmos.endpoint, database: platformDatabaseId, key: cosmos.key },
    storage: { blobEndpoint: azurite.blobEndpoint, connectionString: azurite.connectionString },
  };
  try {
    await createPlatformData(conn);
    // Ingest: iris rows repeated with unique ids and jitter, the same file for both modes.
    const iris = readFileSync(demoDataset.file, "utf8").trim().split("\n").slice(1);
    const lines = ["id,sepal_length,sepal_width,petal_length,petal_width,species"];
    for (let i = 0; i < n; i++) {
      const [, a, b, c, d, s] = (iris[i % iris.length] ?? "").split(",");
      lines.push(`row-${i},${(Number(a) + (i % 7) * 0.01).toFixed(2)},${b},${c},${d},${s}`);
    }
    const file = join(dir, "ingest.csv");
    writeFileSync(file, lines.join("\n") + "\n");
    const bulk = await ingestFile(conn, {
      file,
      dataset: "bench-bulk",
      label: "species",
      id: "id",
      mode: "bulk",
      rejectedPath: join(dir, "bulk.rej"),
    });
    const single = await ingestFile(conn, {
      file,
      dataset: "bench-single",
      label: "species",
      id: "id",
      mode: "single",
      rejectedPath: join(dir, "single.rej"),
    });

    await ingestFile(conn, {
      file: demoDataset.file,
      dataset: "iris",
      label: "species",
      id: "id",
      rejectedPath: join(dir, "iris.rej"),
    });
    const reference = `${demoDataset.reference.accuracy} (${demoDataset.reference.source}); 0.98 ± 0.03 5-fold CV`;
    const rows: AlgoRow[] = [];
    let first = true;
    for (const algorithm of ["logistic", "mlp", "forest"] as const) {
      const r = await trainModel(conn, {
        dataset: "iris",
        ...(first ? {} : { datasetVersion: "v1" }),
        model: `bench-${algorithm}`,
        algorithm,
        seed: 42,
        actor: "bench",
      });
      first = false;
      rows.push({
        algorithm,
        task: "classification (species)",
        seconds: r.seconds,
        metric: "test accuracy",
        value: r.version.metrics.accuracy ?? NaN,
        reference,
      });
    }
    for (const algorithm of ["linear", "forest"] as const) {
      const r = await trainModel(conn, {
        dataset: "iris",
        datasetVersion: "v1",
        model: `bench-reg-${algorithm}`,
        algorithm,
        label: "petal_width",
        task: "regression",
        seed: 42,
        actor: "bench",
      });
      rows.push({
        algorithm,
        task: "regression (petal_width)",
        seconds: r.seconds,
        metric: "test R²",
        value: r.version.metrics.r2 ?? NaN,
        reference: "none published",
      });
    }
    const scale = await runScaleBench(dir, opts.scaleRows ?? Number(process.env.BENCH_TRAINING_ROWS ?? 200_000), {
      fits: true,
    });
    const largeRows = opts.largeRows ?? Number(process.env.BENCH_TRAINING_LARGE_ROWS ?? 1_000_000);
    const large = largeRows > 0 ? await runScaleBench(dir, largeRows, { fits: false }) : undefined;
    const result = {
      scale,
      large,
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? "unknown", node: process.version },
      ingest: {
        rows: n,
        bulk: { rowsPerSecond: bulk.rowsPerSecond, seconds: bulk.seconds, written: bulk.written },
        single: { rowsPerSecond: single.rowsPerSecond, seconds: single.seconds, written: single.written },
      },
      training: rows,
    };
    const md = [
      `### Training benchmark (${result.machine.cpus} CPU, ${result.machine.cpu}, Node ${result.machine.node}; local emulators)`,
      "",
      `| ingest into the Cosmos DB emulator (${n} rows) | rows/s | seconds |`,
      "|---|---:|---:|",
      `| bulk (transactional batches of 100, 8 in flight) | ${Math.round(bulk.rowsPerSecond)} | ${bulk.seconds.toFixed(2)} |`,
      `| one-by-one (\`upsert\`) | ${Math.round(single.rowsPerSecond)} | ${single.seconds.toFixed(2)} |`,
      "",
      "| algorithm | task (iris, seed 42, 60/20/20 split) | train pipeline s | metric | value | published reference |",
      "|---|---|---:|---|---:|---|",
      ...rows.map(
        (r) =>
          `| ${r.algorithm} | ${r.task} | ${r.seconds.toFixed(2)} | ${r.metric} | ${r.value.toFixed(3)} | ${r.reference} |`,
      ),
      "",
      "Train pipeline = read the dataset version, split, fit, evaluate on the 30-row test split, export ONNX, run the onnxruntime parity check, store artifacts and register.",
      "",
      scaleTable(scale),
      ...(large ? ["", scaleTable(large)] : []),
    ].join("\n");
    mkdirSync(opts.outDir, { recursive: true });
    writeFileSync(join(opts.outDir, "training.json"), JSON.stringify(result, null, 2));
    writeFileSync(join(opts.outDir, "training.md"), md + "\n");
    console.log(md);
  } finally {
    await Promise.all([cosmos.stop(), azurite.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}
