/** A worker process of the local scale-out: receives one job over IPC, runs its shard, reports, exits. */
import { runTrial } from "../ml/search.js";
import { scoreDataset } from "../pipeline/score.js";
import { trialShard, type WorkerJob } from "./pool.js";

async function run(job: WorkerJob): Promise<unknown> {
  if (job.kind === "score") return scoreDataset(job.conn, job.options);
  return trialShard(job.trials, job.shard).map((t) =>
    runTrial(job.algorithm, job.data, job.train, t.index, t.hyperparameters, job.options),
  );
}

process.once("message", (job: WorkerJob) => {
  run(job)
    .then((result) => process.send?.({ ok: true, result }, () => process.exit(0)))
    .catch((error: unknown) =>
      process.send?.({ ok: false, error: error instanceof Error ? error.message : String(error) }, () =>
        process.exit(1),
      ),
    );
});
