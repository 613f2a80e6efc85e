/**
 * Hyperparameter search as a Kubernetes Indexed Job: pod `i` of `n` (`JOB_COMPLETION_INDEX`) cross-validates the
 * trials with `index % n === i` and stores its results in the `scoring-runs` container under the search's id.
 * Whichever pod finds all `n` shards stored claims the finish with a conditional create (exactly one succeeds),
 * then fits the best trial, evaluates, exports and registers, exactly as single-process training would.
 */
import { createHash } from "node:crypto";
import { openRegistry, type PlatformConnection } from "@ai-platform/registry";
import { runTrial, type TrialResult } from "../ml/search.js";
import { openPlatformData, statusOf } from "../platform.js";
import { trainCore, type TrainOptions, type TrainResult } from "./train.js";
import { trialShard } from "../scale-out/pool.js";

/** What one pod of the search did. */
export interface SearchShardResult {
  searchId: string;
  shard: { index: number; count: number };
  trialsRun: number;
  shardsDone: number;
  finished?: TrainResult;
}

/** Runs this pod's share of the search; the pod that completes the set registers the model. */
export async function trainSearchShard(
  conn: PlatformConnection,
  o: TrainOptions & { shard: { index: number; count: number } },
): Promise<SearchShardResult> {
  const { shard } = o;
  if (!o.search) throw new Error("--trial-shard-count needs --search grid|random");
  if (!o.datasetVersion)
    throw new Error("--trial-shard-count needs --dataset-version, so every pod trains on the same data");
  if (
    !Number.isInteger(shard.count) ||
    shard.count < 1 ||
    !Number.isInteger(shard.index) ||
    shard.index < 0 ||
    shard.index >= shard.count
  ) {
    throw new Error(
      `--trial-shard-index/--trial-shard-count: need 0 ≤ index < count (got ${shard.index}/${shard.count})`,
    );
  }
  const searchId = `search-${createHash("sha256")
    .update(
      JSON.stringify([
        o.model,
        o.dataset,
        o.datasetVersion,
        o.algorithm,
        o.search,
        o.trials,
        o.folds,
        o.seed,
        o.hyperparameters,
        shard.count,
      ]),
    )
    .digest("hex")
    .slice(0, 24)}`;
  const data = openPlatformData(conn);
  const reg = await openRegistry(conn);
  let trialsRun = 0;
  let shardsDone = 0;
  try {
    const finished = await trainCore(data, reg, o, async (work) => {
      const mine = trialShard(work.trials, shard).map((t) =>
        runTrial(work.algorithm, work.data, work.train, t.index, t.hyperparameters, work.options),
      );
      trialsRun = mine.length;
      await data.scoringRuns.items.upsert({
        id: `${searchId}-shard-${shard.index}`,
        runId: searchId,
        type: "trial-shard",
        results: mine as unknown as Record<string, unknown>[],
      });
      const { resources } = await data.scoringRuns.items
        .query<{ results: TrialResult[] }>(
          {
            query: "SELECT * FROM c WHERE c.runId = @r AND c.type = 'trial-shard'",
            parameters: [{ name: "@r", value: searchId }],
          },
          { partitionKey: searchId },
        )
        .fetchAll();
      shardsDone = resources.length;
      if (resources.length < shard.count) return undefined; // a later pod finishes
      try {
        await data.scoringRuns.items.create({
          id: `${searchId}-finish`,
          runId: searchId,
          type: "trial-finish",
          by: shard.index,
        });
      } catch (error) {
        if (statusOf(error) !== 409) throw error;
        // Claimed already: by another pod (it finishes), or by this index in an earlier attempt that died (retry).
        const { resource } = await data.scoringRuns.item(`${searchId}-finish`, searchId).read<{ by: number }>();
        if (resource?.by !== shard.index) return undefined;
      }
      return resources.flatMap((r) => r.results).sort((a, b) => a.index - b.index);
    });
    o.onLog?.({ event: "search-shard", searchId, shard, trialsRun, shardsDone, finished: !!finished });
    return { searchId, shard, trialsRun, shardsDone, ...(finished ? { finished } : {}) };
  } finally {
    reg.close();
    data.close();
  }
}
