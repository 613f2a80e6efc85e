/** Opens the pipeline store over the registry's `models` container for a connection. */
import { containerIds, createCosmosClient, type PlatformConnection } from "@ai-platform/registry";
import { PipelineStore } from "./state.js";

/** The store and a `close()` that releases the Cosmos client. Nothing is created: the data layout must exist. */
export function openPipelineStore(conn: PlatformConnection): { store: PipelineStore; close(): void } {
  const cosmos = createCosmosClient(conn);
  const container = cosmos.database(conn.cosmos.database).container(containerIds.models);
  return { store: new PipelineStore(container), close: () => cosmos.dispose() };
}
