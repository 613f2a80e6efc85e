/**
 * The training service's handles on the platform's data: Cosmos containers and blob containers for one
 * connection, plus how the CLI finds that connection (flags → environment → the running local platform).
 */
import type { Container, CosmosClient } from "@azure/cosmos";
import type { ContainerClient } from "@azure/storage-blob";
import {
  blobContainers,
  connectionFromEnv,
  containerIds,
  createBlobServiceClient,
  createCosmosClient,
  defaultDatabaseId,
  readLocalPlatform,
  type PlatformConnection,
} from "@ai-platform/registry";

/** Open clients for one connection; `close()` releases the Cosmos client. */
export interface PlatformData {
  conn: PlatformConnection;
  cosmos: CosmosClient;
  rows: Container;
  versions: Container;
  scoringRuns: Container;
  datasetBlobs: ContainerClient;
  reportBlobs: ContainerClient;
  close(): void;
}

/** Opens the containers the training service uses (they must exist: Pulumi on Azure, `npm start` locally). */
export function openPlatformData(conn: PlatformConnection): PlatformData {
  const cosmos = createCosmosClient(conn);
  const db = cosmos.database(conn.cosmos.database);
  const blobs = createBlobServiceClient(conn);
  return {
    conn,
    cosmos,
    rows: db.container(containerIds.datasets),
    versions: db.container(containerIds.datasetVersions),
    scoringRuns: db.container(containerIds.scoringRuns),
    datasetBlobs: blobs.getContainerClient(blobContainers.datasets),
    reportBlobs: blobs.getContainerClient(blobContainers.reports),
    close: () => cosmos.dispose(),
  };
}

/** Connection flags every data command takes. */
export interface ConnectionFlags {
  cosmosEndpoint?: string;
  cosmosKey?: string;
  cosmosDatabase?: string;
  blobEndpoint?: string;
  storageConnectionString?: string;
  dataDir?: string;
}

/**
 * Resolves the connection: explicit flags, then COSMOS_ and STORAGE_ environment variables, then
 * `<dataDir>/platform.json` of a running `npm start`; otherwise an error saying what to do.
 */
export function resolveConnection(flags: ConnectionFlags, env: NodeJS.ProcessEnv): PlatformConnection {
  if (flags.cosmosEndpoint || flags.blobEndpoint) {
    const missing = [!flags.cosmosEndpoint && "--cosmos-endpoint", !flags.blobEndpoint && "--blob-endpoint"].filter(
      Boolean,
    );
    if (missing.length) throw new Error(`missing ${missing.join(" and ")} (give both endpoints, or neither)`);
    return {
      cosmos: {
        endpoint: flags.cosmosEndpoint as string,
        database: flags.cosmosDatabase ?? defaultDatabaseId,
        ...(flags.cosmosKey ? { key: flags.cosmosKey } : {}),
      },
      storage: {
        blobEndpoint: flags.blobEndpoint as string,
        ...(flags.storageConnectionString ? { connectionString: flags.storageConnectionString } : {}),
      },
    };
  }
  if (env.COSMOS_ENDPOINT || env.STORAGE_BLOB_ENDPOINT) return connectionFromEnv(env);
  const local = readLocalPlatform(flags.dataDir);
  if (local) return local.connection;
  throw new Error(
    "no platform to talk to: run `npm start` (the local platform), or pass --cosmos-endpoint and --blob-endpoint, or set COSMOS_ENDPOINT and STORAGE_BLOB_ENDPOINT",
  );
}

/** The HTTP status of an Azure SDK error, if any. */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const e = error as { code?: unknown; statusCode?: unknown };
  return typeof e.code === "number" ? e.code : typeof e.statusCode === "number" ? e.statusCode : undefined;
}
