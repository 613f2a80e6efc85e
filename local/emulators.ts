/**
 * The local stand-ins for Azure's data plane: a Cosmos DB server (@vercel/cosmosdb-server) and Azurite's blob
 * service, both in this process, both on 127.0.0.1. The real `@azure/cosmos` and `@azure/storage-blob` SDKs talk to
 * them, so the services run unchanged against them. `createPlatformData` creates exactly what
 * `components/data-layout.ts` declares, as the Azure components do.
 */
import { createRequire } from "node:module";
import * as https from "node:https";
import type { Server } from "node:net";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { CosmosClient } from "@azure/cosmos";
import { BlobServiceClient } from "@azure/storage-blob";
import { makeAzuriteDurable, type AzuriteInternals } from "./azurite-durable";
import { platformBlobContainers, platformContainers, platformDatabaseId } from "../components/data-layout";

// One Cosmos DB server for tests, benchmarks and `npm start`: in memory here, durable when given a snapshot directory.
export {
  cosmosEmulatorKey,
  startCosmosEmulator,
  type CosmosEmulator,
  type CosmosEmulatorOptions,
} from "./cosmos-server";

/** Azurite's well-known development account (public, documented, local only). */
export const azuriteAccount = {
  name: "devstoreaccount1",
  key: "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
} as const;

/** Options of {@link startAzurite}. */
export interface AzuriteOptions {
  /** TCP port; `0` (the default) picks a free one. */
  port?: number;
  /** Directory for blob data and metadata; created if missing. Data persists across restarts with the same dir. */
  location: string;
}

/** A running Azurite blob service. */
export interface Azurite {
  /** `http://127.0.0.1:<port>/devstoreaccount1`. */
  blobEndpoint: string;
  /** A connection string with the development account's key, for `BlobServiceClient.fromConnectionString`. */
  connectionString: string;
  /** Closes the server and its metadata stores. Idempotent. */
  stop(): Promise<void>;
}

interface AzuriteBlobServer {
  start(): Promise<void>;
  close(): Promise<void>;
  getHttpServerAddress(): string;
}

/**
 * Starts Azurite's blob service in this process on 127.0.0.1, persisting under `opts.location`. A write is answered
 * only once its data and metadata are on disk (`azurite-durable.ts`).
 */
export async function startAzurite(opts: AzuriteOptions): Promise<Azurite> {
  mkdirSync(opts.location, { recursive: true });
  const load = createRequire(__filename);
  const { default: BlobServer } = load("azurite/dist/src/blob/BlobServer") as {
    default: new (config: unknown) => AzuriteBlobServer;
  };
  const { default: BlobConfiguration } = load("azurite/dist/src/blob/BlobConfiguration") as {
    default: new (...args: unknown[]) => unknown;
  };
  const config = new BlobConfiguration(
    "127.0.0.1",
    opts.port ?? 0,
    5,
    join(opts.location, "__azurite_db_blob__.json"),
    join(opts.location, "__azurite_db_blob_extent__.json"),
    [{ locationId: "Default", locationPath: join(opts.location, "__blobstorage__"), maxConcurrency: 10 }],
    false, // access log
    undefined,
    false, // debug log
    undefined,
    false, // loose
    true, // skip API version check: the SDK may be newer than this Azurite
  );
  const server = new BlobServer(config);
  await server.start();
  makeAzuriteDurable(server as unknown as AzuriteInternals);
  const blobEndpoint = `${server.getHttpServerAddress()}/${azuriteAccount.name}`;
  let stopped: Promise<void> | undefined;
  return {
    blobEndpoint,
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${azuriteAccount.name};` +
      `AccountKey=${azuriteAccount.key};BlobEndpoint=${blobEndpoint};`,
    stop() {
      // Azurite resolves close() before its listener is closed (stoppable); wait for it, so the port is free
      // when stop() resolves (a restart on the same port, as the local platform does, must not race).
      stopped ??= (() => {
        const listener = (server as unknown as { httpServer?: Server }).httpServer;
        const closed = listener?.listening
          ? new Promise<void>((resolve) => listener.once("close", () => resolve()))
          : undefined;
        return server.close().then(() => closed);
      })();
      return stopped;
    },
  };
}

/** What {@link createPlatformData} needs: the emulators' endpoints and keys. */
export interface LocalDataConnection {
  cosmos: { endpoint: string; key: string; database?: string };
  storage: { connectionString: string };
}

/**
 * An HTTPS agent that accepts the Cosmos emulator's self-signed certificate. Only ever for a loopback emulator.
 */
export function cosmosEmulatorAgent(): https.Agent {
  return new https.Agent({ rejectUnauthorized: false, keepAlive: true });
}

/**
 * Creates the platform's database, containers (partition keys, TTL, indexing as in `platformContainers`) and blob
 * containers in the emulators. Idempotent: existing ones are kept.
 */
export async function createPlatformData(conn: LocalDataConnection): Promise<void> {
  const client = new CosmosClient({
    endpoint: conn.cosmos.endpoint,
    key: conn.cosmos.key,
    agent: cosmosEmulatorAgent(),
  });
  try {
    const { database } = await client.databases.createIfNotExists({ id: conn.cosmos.database ?? platformDatabaseId });
    for (const c of platformContainers) {
      await database.containers.createIfNotExists({
        id: c.id,
        partitionKey: { paths: [...c.partitionKeyPaths] },
        ...(c.defaultTtl === undefined ? {} : { defaultTtl: c.defaultTtl }),
        ...(c.indexingPolicy === undefined
          ? {}
          : {
              indexingPolicy: {
                indexingMode: c.indexingPolicy.indexingMode,
                includedPaths: c.indexingPolicy.includedPaths.map((p) => ({ path: p.path })),
                excludedPaths: c.indexingPolicy.excludedPaths.map((p) => ({ path: p.path })),
              },
            }),
      });
    }
  } finally {
    client.dispose();
  }
  const blobs = BlobServiceClient.fromConnectionString(conn.storage.connectionString);
  for (const name of Object.values(platformBlobContainers)) {
    await blobs.getContainerClient(name).createIfNotExists();
  }
}
