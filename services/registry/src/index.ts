/**
 * `@ai-platform/registry`: the model registry and artifact store both services share.
 * `openRegistry(conn)` is the one entry; the record shapes live in `types.ts`.
 */
import type { ArtifactStore } from "./artifacts.js";
import { BlobArtifactStore } from "./artifacts.js";
import { createBlobServiceClient, createCosmosClient, type PlatformConnection } from "./connection.js";
import { blobContainers, containerIds } from "./layout.js";
import { CosmosModelRegistry, type ModelRegistry } from "./registry.js";

export * from "./types.js";
export * from "./layout.js";
export * from "./connection.js";
export { BlobArtifactStore, sha256Hex, type ArtifactStore } from "./artifacts.js";
export { CosmosModelRegistry, type ModelRegistry } from "./registry.js";

/**
 * Opens the registry (`models` container) and the artifact store (`models` blob container) for a connection.
 * Nothing is created: the platform's data layout must exist (Pulumi on Azure, `npm start` locally).
 * `close()` releases the Cosmos client's connections.
 */
export async function openRegistry(
  conn: PlatformConnection,
): Promise<{ registry: ModelRegistry; artifacts: ArtifactStore; close(): void }> {
  const cosmos = createCosmosClient(conn);
  const container = cosmos.database(conn.cosmos.database).container(containerIds.models);
  const blobs = createBlobServiceClient(conn).getContainerClient(blobContainers.models);
  return {
    registry: new CosmosModelRegistry(container),
    artifacts: new BlobArtifactStore(blobs),
    close: () => cosmos.dispose(),
  };
}
