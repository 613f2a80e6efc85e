/**
 * Where the platform keeps its data: the Cosmos DB database and containers and the blob containers. Defined once in
 * the contracts: the `CosmosDb` and `ModelStore` components create exactly these on Azure, the local platform creates
 * exactly these in the emulators, and the services address them by the same ids.
 */
export {
  containerIds,
  platformBlobContainers,
  platformContainers,
  platformDatabaseId,
  type CosmosContainerDefinition,
} from "./contracts";
