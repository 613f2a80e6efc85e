/**
 * A Cosmos DB for NoSQL account reachable only through Private Link, with Entra-only data access, continuous
 * backup, and the platform's database and containers from `data-layout.ts`.
 */
import * as cosmosdb from "@pulumi/azure-native/cosmosdb";
import * as pulumi from "@pulumi/pulumi";
import { cosmosContainerInputs, needsSharedThroughput, validateCosmosLayout } from "./cosmos-containers";
import { platformContainers, platformDatabaseId, type CosmosContainerDefinition } from "./data-layout";
import { PrivateEndpoint, type PrivateEndpointTarget } from "./private-endpoint";
import { customerManagedKeyUri, type CustomerManagedKey } from "./shared/customer-managed-key";
import { addDiagnosticSetting, type DiagnosticSettings } from "./shared/diagnostic-settings";
import { nameRules, uniqueName } from "./shared/global-name";
import { addLock, type Lock } from "./shared/lock";
import type { PlacementArgs } from "./shared/placement";
import { assignRoles, type RoleAssignment } from "./shared/role-assignments";
import { uuidV5 } from "./shared/uuid";

/** Built-in Cosmos DB data-plane roles (https://learn.microsoft.com/azure/cosmos-db/nosql/security/reference-data-plane-roles). */
export const cosmosDataPlaneRoles = {
  /** Cosmos DB Built-in Data Reader. */
  reader: "00000000-0000-0000-0000-000000000001",
  /** Cosmos DB Built-in Data Contributor. */
  contributor: "00000000-0000-0000-0000-000000000002",
} as const;

/** A data-plane grant: Cosmos DB SQL RBAC, separate from Azure RBAC. */
export interface CosmosDataPlaneRoleAssignment {
  /** Object id of the principal (for a managed identity: its `principalId`). */
  principalId: pulumi.Input<string>;
  /** `reader` (read items and queries) or `contributor` (also write). */
  role: keyof typeof cosmosDataPlaneRoles;
}

/** Arguments of {@link CosmosDb}. */
export interface CosmosDbArgs extends PlacementArgs {
  /** Account name (3-44 lowercase letters, digits, hyphens; globally unique). Defaults to `<name>-<random>`. */
  accountName?: string;
  /** Replicate within the region across availability zones. Defaults to `true` (AVM default); not every region has zones. */
  zoneRedundant?: boolean;
  /** Point-in-time restore window. Defaults to `Continuous30Days` (AVM default); `Continuous7Days` is free. */
  backupTier?: "Continuous7Days" | "Continuous30Days";
  /**
   * Allow the data plane to be reached from the public internet (still Entra-only).
   * Defaults to `false`: reachable only through `privateEndpoint`.
   */
  allowPublicNetworkAccess?: boolean;
  /** Database id. Defaults to `platformDatabaseId` from `data-layout.ts`, which the local platform also uses. */
  databaseId?: string;
  /** Containers. Defaults to `platformContainers` from `data-layout.ts`, so Azure and local stay identical. */
  containers?: readonly CosmosContainerDefinition[];
  /**
   * Autoscale maximum RU/s the database shares among containers without their own. Defaults to 1000 (the
   * autoscale minimum: it scales between 100 and 1000 RU/s). Unused when every container has its own maximum.
   */
  databaseAutoscaleMaxThroughput?: number;
  /** Data-plane grants (SQL RBAC, account scope). Defaults to none: with local auth off, nobody can read data. */
  dataPlaneRoleAssignments?: readonly CosmosDataPlaneRoleAssignment[];
  /** Private endpoint (group `Sql`). Defaults to none; without one and without public access, nothing reaches the data. */
  privateEndpoint?: PrivateEndpointTarget;
  /** Diagnostic settings (`allLogs` + `AllMetrics`, resource-specific tables). Defaults to none. */
  diagnosticSettings?: DiagnosticSettings;
  /** Management lock on the account. Defaults to none. */
  lock?: Lock;
  /** Azure RBAC (control-plane) grants on the account, for example `Cosmos DB Operator`. Defaults to none. */
  roleAssignments?: readonly RoleAssignment[];
  /** Encrypt with a Key Vault key read through a user-assigned identity. Defaults to Microsoft-managed keys. */
  customerManagedKey?: CustomerManagedKey;
}

/** A Cosmos DB for NoSQL account with the platform's database and containers. */
export class CosmosDb extends pulumi.ComponentResource {
  /** Resource id of the account. */
  readonly accountId: pulumi.Output<string>;
  /** Name of the account. */
  readonly accountName: pulumi.Output<string>;
  /** Document endpoint, `https://<account>.documents.azure.com:443/`. */
  readonly endpoint: pulumi.Output<string>;
  /** The database id. */
  readonly databaseName: string;
  /** The container ids. */
  readonly containerNames: readonly string[];

  constructor(name: string, args: CosmosDbArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:data:CosmosDb", name, {}, opts);
    const containers = args.containers ?? platformContainers;
    const databaseId = args.databaseId ?? platformDatabaseId;
    const sharedMax = args.databaseAutoscaleMaxThroughput ?? 1000;
    validateCosmosLayout(containers, sharedMax);
    const cmk = args.customerManagedKey;

    const account = new cosmosdb.DatabaseAccount(
      `${name}-account`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        tags: args.tags,
        accountName: uniqueName(name, nameRules.cosmosAccount, args.accountName, this),
        kind: "GlobalDocumentDB",
        databaseAccountOfferType: "Standard",
        locations: [{ locationName: args.location, failoverPriority: 0, isZoneRedundant: args.zoneRedundant ?? true }],
        consistencyPolicy: { defaultConsistencyLevel: "Session" },
        // Entra-only: no account keys for data, and no key-based control of databases and containers.
        disableLocalAuth: true,
        disableKeyBasedMetadataWriteAccess: true,
        publicNetworkAccess: args.allowPublicNetworkAccess === true ? "Enabled" : "Disabled",
        networkAclBypass: "None",
        networkAclBypassResourceIds: [],
        isVirtualNetworkFilterEnabled: false,
        ipRules: [],
        virtualNetworkRules: [],
        minimalTlsVersion: "Tls12",
        backupPolicy: { type: "Continuous", continuousModeProperties: { tier: args.backupTier ?? "Continuous30Days" } },
        enableAutomaticFailover: true,
        enableMultipleWriteLocations: false,
        enableFreeTier: false,
        enableAnalyticalStorage: false,
        ...(cmk === undefined
          ? {}
          : {
              identity: { type: "UserAssigned", userAssignedIdentities: [cmk.userAssignedIdentityId] },
              defaultIdentity: pulumi.interpolate`UserAssignedIdentity=${cmk.userAssignedIdentityId}`,
              keyVaultKeyUri: customerManagedKeyUri(cmk),
            }),
      },
      { parent: this },
    );

    const database = new cosmosdb.SqlResourceSqlDatabase(
      `${name}-db`,
      {
        resourceGroupName: args.resourceGroupName,
        accountName: account.name,
        databaseName: databaseId,
        resource: { id: databaseId },
        options: needsSharedThroughput(containers) ? { autoscaleSettings: { maxThroughput: sharedMax } } : undefined,
        tags: args.tags,
      },
      { parent: this },
    );
    for (const definition of containers) {
      new cosmosdb.SqlResourceSqlContainer(
        `${name}-${definition.id}`,
        {
          resourceGroupName: args.resourceGroupName,
          accountName: account.name,
          databaseName: databaseId,
          containerName: definition.id,
          ...cosmosContainerInputs(definition),
          tags: args.tags,
        },
        { parent: this, dependsOn: [database] },
      );
    }

    (args.dataPlaneRoleAssignments ?? []).forEach((grant, index) => {
      const roleDefinitionId = pulumi.interpolate`${account.id}/sqlRoleDefinitions/${cosmosDataPlaneRoles[grant.role]}`;
      new cosmosdb.SqlResourceSqlRoleAssignment(
        `${name}-data-role-${index}`,
        {
          resourceGroupName: args.resourceGroupName,
          accountName: account.name,
          // The full account-scoped role id: a bare GUID fails with InvalidRoleDefinitionId (Azure/bicep#7943).
          roleDefinitionId,
          scope: account.id,
          principalId: grant.principalId,
          roleAssignmentId: pulumi
            .all([account.id, grant.principalId, roleDefinitionId])
            .apply(([scope, principal, role]) =>
              uuidV5(`${scope.toLowerCase()}|${principal.toLowerCase()}|${role.toLowerCase()}`),
            ),
        },
        // principalId and scope cannot change in place (pulumi-azure-native#2253), so a new principal replaces the
        // grant. A CanNotDelete lock on the account also covers its sqlRoleAssignments, so a locked account keeps
        // the old grant (its id differs, so the new one is created first) instead of failing the replacement:
        // remove stale grants with `az cosmosdb sql role assignment delete` while the lock is lifted.
        args.lock === undefined
          ? { parent: this, deleteBeforeReplace: true }
          : { parent: this, deleteBeforeReplace: false, retainOnDelete: true },
      );
    });

    if (args.privateEndpoint !== undefined) {
      new PrivateEndpoint(
        `${name}-sql`,
        {
          ...args.privateEndpoint,
          resourceGroupName: args.resourceGroupName,
          location: args.location,
          tags: args.tags,
          privateLinkServiceId: account.id,
          groupId: "Sql",
        },
        { parent: this },
      );
    }
    addDiagnosticSetting(
      name,
      account.id,
      args.diagnosticSettings,
      { logs: "allLogs", metrics: true, dedicated: true },
      this,
    );
    addLock(name, account.id, args.lock, this);
    assignRoles(name, account.id, args.roleAssignments, this);

    this.accountId = account.id;
    this.accountName = account.name;
    this.endpoint = account.documentEndpoint;
    this.databaseName = databaseId;
    this.containerNames = containers.map((c) => c.id);
    this.registerOutputs({
      accountId: this.accountId,
      accountName: this.accountName,
      endpoint: this.endpoint,
      databaseName: this.databaseName,
      containerNames: this.containerNames,
    });
  }
}
