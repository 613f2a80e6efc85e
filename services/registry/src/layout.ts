/**
 * The data layout the services use by default, under the names the services address it by. Defined once in
 * `@ai-platform/contracts`, which the Azure components and the local platform also create it from.
 */
import { containerIds, platformBlobContainers, platformDatabaseId } from "@ai-platform/contracts";

/** Default Cosmos DB database id. */
export const defaultDatabaseId = platformDatabaseId;

/** Cosmos DB container ids. */
export { containerIds };

/** Blob container names. */
export const blobContainers = platformBlobContainers;
