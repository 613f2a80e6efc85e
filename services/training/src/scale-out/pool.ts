/**
 * Local scale-out: the same sharded code a Kubernetes Indexed Job runs (one pod per `JOB_COMPLETION_INDEX`), as
 * `count` child processes on this machine. Each child runs `child.ts` with its shard index.
 */
import { fork } from "node:child_process";
import { readFileSync, writeFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { PlatformConnection } from "@ai-platform/registry";
import type { Dataset } from "../ml/fit.js";
import type { Algorithm } from "../ml/model.js";
import type { SearchOptions, TrialResult } from "../ml/search.js";
import type { ScoreOptions, ScoreSummary } from "../pipeline/score.js";

/** A search-trial shard: the trials with `index % count === shard`, cross-validated on `train`. */
export interface TrialJob {
  kind: "trials";
  algorithm: Algorithm;
  data: Dataset;
  train: number[];
  trials: { index: number; hyperparameters: Record<string, number> }[];
  options: SearchOptions;
  shard: { index: number; count: number };
}

/** A job one worker runs: its shard of a scoring run or of a hyperparameter search. */
export type WorkerJob =
  { kind: "score"; conn: PlatformConnection; options: Omit<ScoreOptions, "afterBatchWritten"> } | TrialJob;

/** The trials of one shard (the same rule on every pod and worker: `index % count`). */
export function trialShard<T extends { index: number }>(
  trials: readonly T[],
  shard: { index: number; count: number },
): T[] {
  return trials.filter((t) => t.index % shard.count === shard.index);
}

// Compiled (the image runs dist/*.js) the child is plain JavaScript; from source it needs tsx's loader.
const compiled = import.meta.url.endsWith(".js");
const workerEntry = fileURLToPath(new URL(compiled ? "./child.js" : "./child.ts", import.meta.url));

/** Runs one worker process for `job` and resolves with what it printed as its result. */
function runChild<R>(job: WorkerJob): Promise<R> {
  return new Promise((resolve, reject) => {
    const child = fork(workerEntry, [], {
      execArgv: compiled ? [] : ["--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let result: R | undefined;
    let failure: string | undefined;
    child.on("message", (m: { ok: boolean; result?: R; error?: string }) => {
      if (m.ok) result = m.result;
      else failure = m.error;
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code === 0 && result) resolve(result);
      else
        reject(
          new Error(
            `worker ${job.kind === "score" ? (job.options.shard?.index ?? 0) : job.shard.index} failed (exit ${code}): ${failure ?? "no result"}`,
          ),
        );
    });
    child.send(job);
  });
}

/**
 * Scores with `workers` processes (shards 0..n-1) and, for file output, concatenates the shard files into `out`
 * in row-key order. Returns every worker's summary.
 */
export async function scoreWithWorkers(
  conn: PlatformConnection,
  options: Omit<ScoreOptions, "afterBatchWritten" | "shard">,
  workers: number,
): Promise<ScoreSummary[]> {
  if (!Number.isInteger(workers) || workers < 1)
    throw new Error(`--workers: must be a positive integer (got ${workers})`);
  const summaries = await Promise.all(
    Array.from({ length: workers }, (_, index) =>
      runChild<ScoreSummary>({ kind: "score", conn, options: { ...options, shard: { index, count: workers } } }),
    ),
  );
  if (workers > 1 && summaries.every((s) => s.outputPath !== options.out)) {
    const lines = summaries.flatMap((s) => readFileSync(s.outputPath, "utf8").split("\n").filter(Boolean));
    const key = (l: string): string => (JSON.parse(l) as { rowKey: string }).rowKey;
    lines.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    writeFileSync(options.out, lines.join("\n") + (lines.length ? "\n" : ""));
    for (const s of summaries) rmSync(s.outputPath, { force: true });
  }
  return summaries;
}

/** Runs search trials in `workers` processes (trial shards) and returns every result, ordered by trial index. */
export async function runTrialsWithWorkers(
  job: Omit<TrialJob, "kind" | "shard">,
  workers: number,
): Promise<TrialResult[]> {
  if (!Number.isInteger(workers) || workers < 1)
    throw new Error(`--workers: must be a positive integer (got ${workers})`);
  const parts = await Promise.all(
    Array.from({ length: workers }, (_, index) =>
      runChild<TrialResult[]>({ ...job, kind: "trials", shard: { index, count: workers } }),
    ),
  );
  return parts.flat().sort((a, b) => a.index - b.index);
}
