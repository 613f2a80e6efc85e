/**
 * Maps the plain container definitions of `data-layout.ts` to Cosmos DB SQL resource inputs, and checks
 * them first. Pure: the local emulator setup reads the same definitions, so Azure and local stay identical.
 */
import type { CosmosContainerDefinition } from "./data-layout";

/** The `resource` and `options` of one `cosmosdb.SqlResourceSqlContainer`. */
export interface CosmosContainerInputs {
  readonly resource: {
    id: string;
    partitionKey: { paths: string[]; kind: "Hash" | "MultiHash"; version: 2 };
    defaultTtl?: number;
    indexingPolicy?: {
      automatic: true;
      indexingMode: "consistent" | "none";
      includedPaths: { path: string }[];
      excludedPaths: { path: string }[];
    };
  };
  readonly options?: { autoscaleSettings: { maxThroughput: number } };
}

/** The SQL resource inputs of one container definition. A hierarchical key (2-3 paths) is `MultiHash`. */
export function cosmosContainerInputs(definition: CosmosContainerDefinition): CosmosContainerInputs {
  const policy = definition.indexingPolicy;
  return {
    resource: {
      id: definition.id,
      partitionKey: {
        paths: [...definition.partitionKeyPaths],
        kind: definition.partitionKeyPaths.length > 1 ? "MultiHash" : "Hash",
        version: 2,
      },
      ...(definition.defaultTtl === undefined ? {} : { defaultTtl: definition.defaultTtl }),
      ...(policy === undefined
        ? {}
        : {
            indexingPolicy: {
              automatic: true as const,
              indexingMode: policy.indexingMode,
              includedPaths: policy.includedPaths.map((p) => ({ path: p.path })),
              excludedPaths: policy.excludedPaths.map((p) => ({ path: p.path })),
            },
          }),
    },
    ...(definition.autoscaleMaxThroughput === undefined
      ? {}
      : { options: { autoscaleSettings: { maxThroughput: definition.autoscaleMaxThroughput } } }),
  };
}

/** Whether any container shares the database's throughput (has no autoscale maximum of its own). */
export function needsSharedThroughput(definitions: readonly CosmosContainerDefinition[]): boolean {
  return definitions.some((d) => d.autoscaleMaxThroughput === undefined);
}

/** Autoscale maxima are whole thousands from 1,000 RU/s (https://learn.microsoft.com/azure/cosmos-db/provision-throughput-autoscale). */
function autoscaleError(field: string, value: number): string | undefined {
  return Number.isInteger(value) && value >= 1000 && value % 1000 === 0
    ? undefined
    : `${field} (${value}) must be a multiple of 1000 RU/s, at least 1000`;
}

/**
 * Checks container definitions and the shared database throughput. Throws one error naming every bad field:
 * duplicate or invalid ids, 1-3 partition key paths that start with `/`, TTL `-1` or positive, autoscale maxima.
 */
export function validateCosmosLayout(
  definitions: readonly CosmosContainerDefinition[],
  databaseAutoscaleMaxThroughput: number,
): void {
  const errors: string[] = [];
  const seen = new Set<string>();
  definitions.forEach((d, i) => {
    const at = `containers[${i}]`;
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/.test(d.id))
      errors.push(`${at}.id ("${d.id}") must be 1-255 letters, digits, "-" or "_"`);
    if (seen.has(d.id)) errors.push(`${at}.id ("${d.id}") is used by an earlier container`);
    seen.add(d.id);
    if (d.partitionKeyPaths.length < 1 || d.partitionKeyPaths.length > 3) {
      errors.push(`${at}.partitionKeyPaths has ${d.partitionKeyPaths.length} paths; give 1 to 3`);
    }
    d.partitionKeyPaths.forEach((p, j) => {
      if (!/^\/[^/\s]+(\/[^/\s]+)*$/.test(p))
        errors.push(`${at}.partitionKeyPaths[${j}] ("${p}") must be a path such as /tenantId`);
    });
    if (d.defaultTtl !== undefined && !(d.defaultTtl === -1 || (Number.isInteger(d.defaultTtl) && d.defaultTtl > 0))) {
      errors.push(`${at}.defaultTtl (${d.defaultTtl}) must be -1 or a positive number of seconds`);
    }
    if (d.autoscaleMaxThroughput !== undefined) {
      const error = autoscaleError(`${at}.autoscaleMaxThroughput`, d.autoscaleMaxThroughput);
      if (error !== undefined) errors.push(error);
    }
  });
  if (needsSharedThroughput(definitions)) {
    const error = autoscaleError("databaseAutoscaleMaxThroughput", databaseAutoscaleMaxThroughput);
    if (error !== undefined) errors.push(error);
  }
  if (errors.length > 0) throw new Error(`CosmosDb: ${errors.join("; ")}`);
}
