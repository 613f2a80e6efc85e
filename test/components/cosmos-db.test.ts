import { describe, expect, it } from "vitest";
import { cosmosContainerInputs, validateCosmosLayout } from "../../components/cosmos-containers";
import { CosmosDb, type CosmosDbArgs } from "../../components/cosmos-db";
import { platformContainers } from "../../components/data-layout";
import { uuidV5 } from "../../components/shared/uuid";
import type { RegisteredResource } from "../support/pulumi-mocks";
import { unwrap } from "../support/pulumi-mocks";
import { countByType, diffRuns, memoize, named, ofType, record } from "./helpers";

const base: CosmosDbArgs = { resourceGroupName: "rg", location: "westeurope", tags: { env: "test" } };
const construct = (args: Partial<CosmosDbArgs> = {}) => record(() => new CosmosDb("cosmos", { ...base, ...args }));
const build = memoize(construct);
const ACCOUNT = "azure-native:cosmosdb:DatabaseAccount";
const account = (resources: readonly RegisteredResource[]) => named(resources, ACCOUNT, "cosmos-account");

describe("CosmosDb", () => {
  it("creates the account, the database and the data-layout containers, and nothing else by default", async () => {
    const { resources } = await build();
    expect(countByType(resources)).toEqual({
      "ai-platform:data:CosmosDb": 1,
      "random:index/randomString:RandomString": 1,
      [ACCOUNT]: 1,
      "azure-native:cosmosdb:SqlResourceSqlDatabase": 1,
      "azure-native:cosmosdb:SqlResourceSqlContainer": platformContainers.length,
    });
  });

  it("sets every hardening property of the account explicitly", async () => {
    const { resources } = await build();
    const accountName = account(resources).inputs.accountName as string;
    expect(accountName).toMatch(/^cosmos-[a-z0-9]{6}$/);
    expect(account(resources).inputs).toEqual({
      resourceGroupName: "rg",
      location: "westeurope",
      tags: { env: "test" },
      accountName,
      kind: "GlobalDocumentDB",
      databaseAccountOfferType: "Standard",
      locations: [{ locationName: "westeurope", failoverPriority: 0, isZoneRedundant: true }],
      consistencyPolicy: { defaultConsistencyLevel: "Session" },
      disableLocalAuth: true,
      disableKeyBasedMetadataWriteAccess: true,
      publicNetworkAccess: "Disabled",
      networkAclBypass: "None",
      networkAclBypassResourceIds: [],
      isVirtualNetworkFilterEnabled: false,
      ipRules: [],
      virtualNetworkRules: [],
      minimalTlsVersion: "Tls12",
      backupPolicy: { type: "Continuous", continuousModeProperties: { tier: "Continuous30Days" } },
      enableAutomaticFailover: true,
      enableMultipleWriteLocations: false,
      enableFreeTier: false,
      enableAnalyticalStorage: false,
      createMode: "Default", // filled in by the SDK
    });
  });

  it("creates the database with shared autoscale throughput and each data-layout container as defined", async () => {
    const { resources } = await build();
    const accountName = account(resources).inputs.accountName as string;
    expect(named(resources, "azure-native:cosmosdb:SqlResourceSqlDatabase", "cosmos-db").inputs).toEqual({
      resourceGroupName: "rg",
      accountName,
      databaseName: "ai-platform",
      resource: { id: "ai-platform" },
      options: { autoscaleSettings: { maxThroughput: 1000 } },
      tags: { env: "test" },
    });
    expect(named(resources, "azure-native:cosmosdb:SqlResourceSqlContainer", "cosmos-datasets").inputs).toEqual({
      resourceGroupName: "rg",
      accountName,
      databaseName: "ai-platform",
      containerName: "datasets",
      resource: {
        id: "datasets",
        partitionKey: { paths: ["/dataset"], kind: "Hash", version: 2 },
        indexingPolicy: {
          automatic: true,
          indexingMode: "consistent",
          includedPaths: [{ path: "/dataset/?" }, { path: "/rowKey/?" }, { path: "/ingestRun/?" }, { path: "/_ts/?" }],
          excludedPaths: [{ path: "/*" }],
        },
      },
      options: { autoscaleSettings: { maxThroughput: 4000 } },
      tags: { env: "test" },
    });
    expect(
      named(resources, "azure-native:cosmosdb:SqlResourceSqlContainer", "cosmos-scoring-runs").inputs.resource,
    ).toEqual({
      id: "scoring-runs",
      partitionKey: { paths: ["/runId"], kind: "Hash", version: 2 },
      defaultTtl: 2592000,
    });
    for (const definition of platformContainers) {
      const container = named(resources, "azure-native:cosmosdb:SqlResourceSqlContainer", `cosmos-${definition.id}`);
      expect(container.inputs.resource).toEqual(cosmosContainerInputs(definition).resource);
    }
  });

  it("exposes the endpoint, the account and the layout", async () => {
    const { result, resources } = await build();
    expect(await unwrap(result.endpoint)).toBe(
      `https://${account(resources).inputs.accountName}.documents.azure.com:443/`,
    );
    expect(await unwrap(result.accountId)).toBe(account(resources).state.id);
    expect(result.databaseName).toBe("ai-platform");
    expect(result.containerNames).toEqual(["datasets", "dataset-versions", "models", "scoring-runs"]);
  });

  it.each([
    [{ allowPublicNetworkAccess: true }, [`${ACCOUNT}::cosmos-account.publicNetworkAccess`]],
    [{ zoneRedundant: false }, [`${ACCOUNT}::cosmos-account.locations`]],
    [
      { backupTier: "Continuous7Days" as const },
      [`${ACCOUNT}::cosmos-account.backupPolicy.continuousModeProperties.tier`],
    ],
    [
      { databaseAutoscaleMaxThroughput: 2000 },
      ["azure-native:cosmosdb:SqlResourceSqlDatabase::cosmos-db.options.autoscaleSettings.maxThroughput"],
    ],
  ])("%j changes exactly %j", async (optOut, paths) => {
    const before = await build();
    const after = await build(optOut);
    expect(diffRuns(before.resources, after.resources)).toEqual(paths);
  });

  it("takes an explicit account name instead of a random suffix", async () => {
    const { resources } = await build({ accountName: "my-cosmos" });
    expect(account(resources).inputs.accountName).toBe("my-cosmos");
    expect(ofType(resources, "random:index/randomString:RandomString")).toEqual([]);
  });

  it("grants data-plane roles with the full account-scoped role id and a deterministic assignment id", async () => {
    const grants = [
      { principalId: "reader-principal", role: "reader" as const },
      { principalId: "writer-principal", role: "contributor" as const },
    ];
    const first = await build({ dataPlaneRoleAssignments: grants });
    const accountId = account(first.resources).state.id as string;
    const assignments = ofType(first.resources, "azure-native:cosmosdb:SqlResourceSqlRoleAssignment");
    expect(assignments.map((a) => a.inputs)).toEqual([
      {
        resourceGroupName: "rg",
        accountName: account(first.resources).inputs.accountName,
        roleDefinitionId: `${accountId}/sqlRoleDefinitions/00000000-0000-0000-0000-000000000001`,
        scope: accountId,
        principalId: "reader-principal",
        roleAssignmentId: uuidV5(
          `${accountId.toLowerCase()}|reader-principal|${accountId.toLowerCase()}/sqlroledefinitions/00000000-0000-0000-0000-000000000001`,
        ),
      },
      {
        resourceGroupName: "rg",
        accountName: account(first.resources).inputs.accountName,
        roleDefinitionId: `${accountId}/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002`,
        scope: accountId,
        principalId: "writer-principal",
        roleAssignmentId: uuidV5(
          `${accountId.toLowerCase()}|writer-principal|${accountId.toLowerCase()}/sqlroledefinitions/00000000-0000-0000-0000-000000000002`,
        ),
      },
    ]);
    const second = await construct({ dataPlaneRoleAssignments: grants });
    const ids = (rs: readonly RegisteredResource[]) =>
      ofType(rs, "azure-native:cosmosdb:SqlResourceSqlRoleAssignment").map((a) => a.inputs.roleAssignmentId);
    expect(ids(second.resources)).toEqual(ids(first.resources));
  });

  it("adds a private endpoint to the Sql group, diagnostics, a lock and Azure RBAC grants only when asked", async () => {
    const before = await build();
    const after = await build({
      privateEndpoint: { subnetId: "pe-subnet", privateDnsZoneId: "cosmos-zone" },
      diagnosticSettings: { workspaceId: "ws" },
      lock: { kind: "CanNotDelete" },
      roleAssignments: [{ roleDefinitionIdOrName: "Cosmos DB Operator", principalId: "ops" }],
    });
    expect(diffRuns(before.resources, after.resources)).toEqual([
      "+ai-platform:network:PrivateEndpoint::cosmos-sql",
      "+azure-native:authorization:ManagementLockByScope::cosmos-lock",
      "+azure-native:authorization:RoleAssignment::cosmos-role-0",
      "+azure-native:monitor:DiagnosticSetting::cosmos-diagnostics",
      "+azure-native:network:PrivateDnsZoneGroup::cosmos-sql-dns",
      "+azure-native:network:PrivateEndpoint::cosmos-sql-pe",
    ]);
    const accountId = account(after.resources).state.id;
    expect(
      named(after.resources, "azure-native:network:PrivateEndpoint", "cosmos-sql-pe").inputs
        .privateLinkServiceConnections,
    ).toEqual([{ name: "cosmos-sql-Sql", privateLinkServiceId: accountId, groupIds: ["Sql"] }]);
    expect(
      named(after.resources, "azure-native:network:PrivateDnsZoneGroup", "cosmos-sql-dns").inputs.privateDnsZoneConfigs,
    ).toEqual([{ name: "Sql", privateDnsZoneId: "cosmos-zone" }]);
    expect(named(after.resources, "azure-native:monitor:DiagnosticSetting", "cosmos-diagnostics").inputs).toEqual({
      name: "cosmos-diagnostics",
      resourceUri: accountId,
      workspaceId: "ws",
      logs: [{ categoryGroup: "allLogs", enabled: true }],
      metrics: [{ category: "AllMetrics", enabled: true }],
      logAnalyticsDestinationType: "Dedicated",
    });
    expect(
      named(after.resources, "azure-native:authorization:RoleAssignment", "cosmos-role-0").inputs.roleDefinitionId,
    ).toBe(
      "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/230815da-be43-4aae-9cb4-875f7bd000aa",
    );
  });

  it("encrypts with a customer-managed key through a user-assigned identity, changing only those properties", async () => {
    const before = await build();
    const after = await build({
      customerManagedKey: {
        keyVaultUri: "https://kv.vault.azure.net/",
        keyName: "cosmos",
        userAssignedIdentityId: "/uami/cmk",
        userAssignedIdentityClientId: "client",
      },
    });
    expect(diffRuns(before.resources, after.resources)).toEqual([
      `${ACCOUNT}::cosmos-account.defaultIdentity`,
      `${ACCOUNT}::cosmos-account.identity`,
      `${ACCOUNT}::cosmos-account.keyVaultKeyUri`,
    ]);
    expect(account(after.resources).inputs).toMatchObject({
      identity: { type: "UserAssigned", userAssignedIdentities: ["/uami/cmk"] },
      defaultIdentity: "UserAssignedIdentity=/uami/cmk",
      keyVaultKeyUri: "https://kv.vault.azure.net/keys/cosmos",
    });
  });

  it("rejects a bad layout before declaring any child", async () => {
    await expect(build({ containers: [{ id: "a", partitionKeyPaths: [] }] })).rejects.toThrow(
      new Error("CosmosDb: containers[0].partitionKeyPaths has 0 paths; give 1 to 3"),
    );
  });
});

describe("cosmosContainerInputs", () => {
  it("maps a hierarchical key to MultiHash and omits what the definition leaves unset", () => {
    expect(cosmosContainerInputs({ id: "h", partitionKeyPaths: ["/tenant", "/user"] })).toEqual({
      resource: { id: "h", partitionKey: { paths: ["/tenant", "/user"], kind: "MultiHash", version: 2 } },
    });
  });
});

describe("validateCosmosLayout", () => {
  it("accepts the platform layout", () => {
    expect(() => validateCosmosLayout(platformContainers, 1000)).not.toThrow();
  });

  it.each([
    [
      [{ id: "a", partitionKeyPaths: ["/a", "/b", "/c", "/d"] }],
      1000,
      "CosmosDb: containers[0].partitionKeyPaths has 4 paths; give 1 to 3",
    ],
    [
      [{ id: "a", partitionKeyPaths: ["a"] }],
      1000,
      'CosmosDb: containers[0].partitionKeyPaths[0] ("a") must be a path such as /tenantId',
    ],
    [
      [
        { id: "a", partitionKeyPaths: ["/a"] },
        { id: "a", partitionKeyPaths: ["/a"] },
      ],
      1000,
      'CosmosDb: containers[1].id ("a") is used by an earlier container',
    ],
    [
      [{ id: "bad id", partitionKeyPaths: ["/a"] }],
      1000,
      'CosmosDb: containers[0].id ("bad id") must be 1-255 letters, digits, "-" or "_"',
    ],
    [
      [{ id: "a", partitionKeyPaths: ["/a"], defaultTtl: 0 }],
      1000,
      "CosmosDb: containers[0].defaultTtl (0) must be -1 or a positive number of seconds",
    ],
    [
      [{ id: "a", partitionKeyPaths: ["/a"], autoscaleMaxThroughput: 1500 }],
      1000,
      "CosmosDb: containers[0].autoscaleMaxThroughput (1500) must be a multiple of 1000 RU/s, at least 1000",
    ],
    [
      [{ id: "a", partitionKeyPaths: ["/a"] }],
      400,
      "CosmosDb: databaseAutoscaleMaxThroughput (400) must be a multiple of 1000 RU/s, at least 1000",
    ],
    [
      [{ id: "a", partitionKeyPaths: ["x"], defaultTtl: -2 }],
      500,
      'CosmosDb: containers[0].partitionKeyPaths[0] ("x") must be a path such as /tenantId; containers[0].defaultTtl (-2) must be -1 or a positive number of seconds; databaseAutoscaleMaxThroughput (500) must be a multiple of 1000 RU/s, at least 1000',
    ],
  ])("rejects %j with database max %s", (containers, databaseMax, message) => {
    expect(() => validateCosmosLayout(containers, databaseMax)).toThrow(new Error(message));
  });

  it("ignores the database maximum when every container has its own", () => {
    expect(() =>
      validateCosmosLayout([{ id: "a", partitionKeyPaths: ["/a"], autoscaleMaxThroughput: 1000 }], 0),
    ).not.toThrow();
  });
});
