/**
 * One step of the scale benchmark in a process of its own, as a user's `npx ai-platform ingest|train` runs beside
 * `npm start`: `tsx bench/training-scale-step.ts <ingest|train> <connection JSON> <file|dataset> [dataset|model]`.
 * Prints one JSON line: the step's figures and the process's peak resident memory, so memory per step is measured
 * alone.
 */
import { ingestFile, trainModel } from "@ai-platform/training";
import type { PlatformConnection } from "@ai-platform/registry";

/** What a step prints. */
export interface StepResult {
  step: "ingest" | "train";
  rows: number;
  seconds: number;
  /** Train: seconds until the rows were read and encoded (snapshot from the ingest exports, table built). */
  readSeconds?: number;
  /** Peak resident set size of the step's process, MB. */
  maxRssMb: number;
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
