/**
 * How the services reach Cosmos DB and Blob storage. On Azure: Entra ID through `DefaultAzureCredential` (AKS
 * workload identity injects AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_FEDERATED_TOKEN_FILE), no keys. Locally: the
 * emulators' well-known key and connection string, which only ever point at loopback.
 */
import { readFileSync } from "node:fs";
import * as https from "node:https";
import { join } from "node:path";
import { CosmosClient } from "@azure/cosmos";
import { DefaultAzureCredential } from "@azure/identity";
import { BlobServiceClient } from "@azure/storage-blob";
import { dataPlaneEnv as E } from "@ai-platform/contracts";
import { defaultDatabaseId } from "./layout.js";

/** Explicit endpoints; a missing key/connection string means Entra ID auth. */
export interface PlatformConnection {
  cosmos: { endpoint: string; database: string; key?: string /* local emulator only */ };
  storage: { blobEndpoint: string; connectionString?: string /* local emulator (Azurite) only */ };
}

/** What the running local platform (`npm start`) writes to `.platform/platform.json`. */
export interface LocalPlatformState {
  pid: number;
  startedAt: string;
  connection: PlatformConnection;
  inferenceUrl?: string;
}

/** Thrown when connection settings are missing or malformed; the message names each one. */
export class ConnectionConfigError extends Error {
  override readonly name = "ConnectionConfigError";
}

/**
 * Reads COSMOS_ENDPOINT, COSMOS_DATABASE (default "ai-platform"), COSMOS_KEY, STORAGE_BLOB_ENDPOINT and
 * STORAGE_CONNECTION_STRING. Throws naming every missing variable at once.
 */
export function connectionFromEnv(env: NodeJS.ProcessEnv): PlatformConnection {
  const missing = [E.cosmosEndpoint, E.blobEndpoint].filter((k) => !env[k]);
  if (missing.length > 0) throw new ConnectionConfigError(`missing environment variable(s): ${missing.join(", ")}`);
  const conn: PlatformConnection = {
    cosmos: { endpoint: env[E.cosmosEndpoint] as string, database: env[E.cosmosDatabase] || defaultDatabaseId },
    storage: { blobEndpoint: env[E.blobEndpoint] as string },
  };
  const key = env[E.cosmosKey];
  const connectionString = env[E.storageConnectionString];
  if (key) conn.cosmos.key = key;
  if (connectionString) conn.storage.connectionString = connectionString;
  return conn;
}

/** Reads `<dataDir>/platform.json` (default dir `.platform`); `undefined` when the local platform is not running. */
export function readLocalPlatform(dataDir = ".platform"): LocalPlatformState | undefined {
  let text: string;
  try {
    text = readFileSync(join(dataDir, "platform.json"), "utf8");
  } catch {
    return undefined;
  }
  const state = JSON.parse(text) as LocalPlatformState;
  if (!state?.connection?.cosmos?.endpoint || !state.connection.storage?.blobEndpoint) {
    throw new ConnectionConfigError(
      `${join(dataDir, "platform.json")}: connection.cosmos.endpoint and connection.storage.blobEndpoint are required`,
    );
  }
  return state;
}

/** True for 127.0.0.1, ::1 and localhost: the only hosts whose self-signed emulator certificate we accept. */
export function isLoopbackEndpoint(endpoint: string): boolean {
  const host = new URL(endpoint).hostname;
  return host === "127.0.0.1" || host === "localhost" || host === "[::1]" || host === "::1";
}

/**
 * A Cosmos client for the connection. With a key on a loopback endpoint (the local emulator) it accepts the
 * emulator's self-signed certificate; anywhere else TLS is verified and a key is refused unless it is loopback.
 */
export function createCosmosClient(conn: PlatformConnection): CosmosClient {
  const { endpoint, key } = conn.cosmos;
  if (key === undefined) return new CosmosClient({ endpoint, aadCredentials: new DefaultAzureCredential() });
  if (!isLoopbackEndpoint(endpoint)) {
    throw new ConnectionConfigError(
      `cosmos.key is only accepted for a loopback emulator endpoint, not ${endpoint}; use Entra ID`,
    );
  }
  return new CosmosClient({ endpoint, key, agent: new https.Agent({ rejectUnauthorized: false, keepAlive: true }) });
}

/** A Blob service client: the Azurite connection string when given, Entra ID otherwise. */
export function createBlobServiceClient(conn: PlatformConnection): BlobServiceClient {
  if (conn.storage.connectionString) return BlobServiceClient.fromConnectionString(conn.storage.connectionString);
  return new BlobServiceClient(conn.storage.blobEndpoint, new DefaultAzureCredential());
}
