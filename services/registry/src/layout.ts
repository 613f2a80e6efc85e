/**
 * The data layout the services use by default. These repeat `components/data-layout.ts` (services never import
 * root code: their images carry only their workspace); a test asserts the two stay equal.
 */

/** Default Cosmos DB database id. */
export const defaultDatabaseId = "ai-platform";

/** Cosmos DB container ids. */
export const containerIds = {
  datasets: "datasets",
  datasetVersions: "dataset-versions",
  models: "models",
  scoringRuns: "scoring-runs",
} as const;

/** Blob container names. */
export const blobContainers = {
  datasets: "datasets",
  models: "models",
  reports: "reports",
} as const;
