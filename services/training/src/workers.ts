/**
 * Local scale-out: the same sharded code a Kubernetes Indexed Job runs (one pod per `JOB_COMPLETION_INDEX`), as
 * `count` child processes on this machine. Each child runs `worker.ts` with its shard index.
 */
import { fork } from "node:child_process";
import { readFileSync, writeFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { PlatformConnection } from "@ai-platform/registry";
import type { ScoreOptions, ScoreSummary } from "./score.js";

/** A job one worker runs: its shard of a scoring run. */
export interface WorkerJob { kind: "score"; conn: PlatformConnection; options: Omit<ScoreOptions, "afterBatchWritten"> }

const workerEntry = fileURLToPath(new URL("./worker.ts", import.meta.url));

/** Runs one worker process for `job` and resolves with what it printed as its result. */
function runChild(job: WorkerJob): Promise<ScoreSummary> {
  return new Promise((resolve, reject) => {
    const child = fork(workerEntry, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    let result: ScoreSummary | undefined;
    let failure: string | undefined;
    child.on("message", (m: { ok: boolean; result?: ScoreSummary; error?: string }) => {
      if (m.ok) result = m.result; else failure = m.error;
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code === 0 && result) resolve(result);
      else reject(new Error(`worker ${job.options.shard?.index ?? 0} failed (exit ${code}): ${failure ?? "no result"}`));
    });
    child.send(job);
  });
}

/**
 * Scores with `workers` processes (shards 0..n-1) and, for file output, concatenates the shard files into `out`
 * in row-key order. Returns every worker's summary.
 */
export async function scoreWithWorkers(conn: PlatformConnection, options: Omit<ScoreOptions, "afterBatchWritten" | "shard">, workers: number): Promise<ScoreSummary[]> {
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`--workers: must be a positive integer (got ${workers})`);
  const summaries = await Promise.all(Array.from({ length: workers }, (_, index) => runChild({ kind: "score", conn, options: { ...options, shard: { index, count: workers } } })));
  if (workers > 1 && summaries.every((s) => s.outputPath !== options.out)) {
    const lines = summaries.flatMap((s) => readFileSync(s.outputPath, "utf8").split("\n").filter(Boolean));
    const key = (l: string): string => (JSON.parse(l) as { rowKey: string }).rowKey;
    lines.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    writeFileSync(options.out, lines.join("\n") + (lines.length ? "\n" : ""));
    for (const s of summaries) rmSync(s.outputPath, { force: true });
  }
  return summaries;
}
