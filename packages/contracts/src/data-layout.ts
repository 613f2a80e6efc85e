/**
 * Where the platform keeps its data: the Cosmos DB database and containers and the blob containers.
 *
 * One plain definition: the `CosmosDb` and `ModelStore` components create exactly these on Azure, the local
 * platform (`npm start`) creates exactly these in the emulators, and the services read and write them.
 */

/** A Cosmos DB SQL container, as both Azure and the local emulator create it. */
export interface CosmosContainerDefinition {
  /** Container id. */
  readonly id: string;
  /** Partition key paths: one path, or up to three for a hierarchical key. */
  readonly partitionKeyPaths: readonly string[];
  /** Default time-to-live in seconds; `-1` enables TTL without a default; unset leaves TTL off. */
  readonly defaultTtl?: number;
  /** Indexing policy; unset means Cosmos DB's default (consistent, every path indexed). */
  readonly indexingPolicy?: {
    readonly indexingMode: "consistent" | "none";
    readonly includedPaths: readonly { readonly path: string }[];
    readonly excludedPaths: readonly { readonly path: string }[];
  };
  /** Autoscale maximum RU/s for dedicated throughput; unset shares the database's throughput. */
  readonly autoscaleMaxThroughput?: number;
}

/** The platform's Cosmos DB database id. */
export const platformDatabaseId = "ai-platform";

/** The Cosmos DB container ids by role, as the services address them. */
export const containerIds = {
  datasets: "datasets",
  datasetVersions: "dataset-versions",
  models: "models",
  scoringRuns: "scoring-runs",
} as const;

/** The platform's Cosmos DB containers. */
export const platformContainers: readonly CosmosContainerDefinition[] = [
  {
    // Dataset rows. Only the fields queries filter on are indexed: writes cost fewer RUs.
    id: containerIds.datasets,
    partitionKeyPaths: ["/dataset"],
    indexingPolicy: {
      indexingMode: "consistent",
      includedPaths: [{ path: "/dataset/?" }, { path: "/rowKey/?" }, { path: "/ingestRun/?" }, { path: "/_ts/?" }],
      excludedPaths: [{ path: "/*" }],
    },
    autoscaleMaxThroughput: 4000,
  },
  // Named dataset snapshots: query, row count, content hash, change-feed continuation.
  { id: containerIds.datasetVersions, partitionKeyPaths: ["/dataset"] },
  // The model registry: versions, aliases, the version counter and the audit trail of one model share a partition.
  { id: containerIds.models, partitionKeyPaths: ["/name"] },
  // Batch-scoring checkpoints; finished runs expire after 30 days.
  { id: containerIds.scoringRuns, partitionKeyPaths: ["/runId"], defaultTtl: 30 * 24 * 3600 },
];

/** Blob containers in the model store. */
export const platformBlobContainers = {
  /** Raw files and snapshot exports of datasets. */
  datasets: "datasets",
  /** Model artifacts under content-addressed paths (`sha256/<hex>/model.onnx`); never overwritten. */
  models: "models",
  /** Training reports (HTML) and batch-scoring outputs. */
  reports: "reports",
} as const;
