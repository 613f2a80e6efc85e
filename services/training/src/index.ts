/**
 * `@ai-platform/training`: the programmatic API behind `npx ai-platform ingest|dataset|train|models|promote|
 * rollback|score` and the training job image. Each function takes a `PlatformConnection` and opens/closes its own
 * clients; the CLI is a thin layer over these.
 */
import type { PlatformConnection } from "@ai-platform/registry";
import { openPlatformData } from "./platform.js";
import { listDatasetVersions, snapshotDataset, type DatasetVersion } from "./data/versions.js";

export { ingestFile, type IngestOptions, type IngestSummary } from "./data/ingest.js";
export type { DatasetVersion } from "./data/versions.js";
export type { IngestRunRecord } from "./data/ingest-runs.js";
export { trainModel, type TrainOptions, type TrainResult } from "./pipeline/train.js";
export { registerModel, type RegisterOptions, type RegisterResult } from "./pipeline/register.js";
export { promoteModel, rollbackModel, type PromoteOptions, type PromoteResult } from "./pipeline/promote.js";
export { compareVersions, type VersionComparison, type VersionEvaluation } from "./pipeline/compare.js";
export { scoreDataset, shardOf, type ScoreOptions, type ScoreSummary } from "./pipeline/score.js";
export { scoreWithWorkers } from "./scale-out/pool.js";
export { demoDataset, type DemoDataset } from "./data/demo.js";
export { algorithms, type Algorithm } from "./ml/model.js";
export { resolveConnection, type ConnectionFlags } from "./platform.js";
export { ParityError, parityTolerance } from "./onnx/parity.js";

/** Snapshots a dataset as a named version (default `v<n+1>`). */
export async function createDatasetVersion(
  conn: PlatformConnection,
  dataset: string,
  opts: { name?: string; actor: string },
): Promise<DatasetVersion> {
  const data = openPlatformData(conn);
  try {
    return await snapshotDataset(data, dataset, opts);
  } finally {
    data.close();
  }
}

/** Lists a dataset's versions, oldest first. */
export async function listDatasetVersionsOf(conn: PlatformConnection, dataset: string): Promise<DatasetVersion[]> {
  const data = openPlatformData(conn);
  try {
    return await listDatasetVersions(data, dataset);
  } finally {
    data.close();
  }
}
