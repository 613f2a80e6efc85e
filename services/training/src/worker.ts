/** A worker process of {@link scoreWithWorkers}: receives one job over IPC, runs it, reports, exits. */
import type { WorkerJob } from "./workers.js";
import { scoreDataset } from "./score.js";

process.once("message", (job: WorkerJob) => {
  scoreDataset(job.conn, job.options)
    .then((result) => process.send?.({ ok: true, result }, () => process.exit(0)))
    .catch((error: unknown) => process.send?.({ ok: false, error: error instanceof Error ? error.message : String(error) }, () => process.exit(1)));
});
