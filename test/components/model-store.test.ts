import { describe, expect, it } from "vitest";
import { ModelStore, type ModelStoreArgs } from "../../components/model-store";
import { unwrap, type RegisteredResource } from "../support/pulumi-mocks";
import { countByType, diffRuns, memoize, named, ofType, record } from "./helpers";

const base: ModelStoreArgs = { resourceGroupName: "rg", location: "westeurope", tags: { env: "test" } };
const construct = (args: Partial<ModelStoreArgs> = {}) => record(() => new ModelStore("models", { ...base, ...args }));
const build = memoize(construct);
const ACCOUNT = "azure-native:storage:StorageAccount";
const account = (resources: readonly RegisteredResource[]) => named(resources, ACCOUNT, "models-account");

describe("ModelStore", () => {
  it("creates the account, its blob service and the data-layout containers, and nothing else by default", async () => {
    const { resources } = await build();
    expect(countByType(resources)).toEqual({
      "ai-platform:data:ModelStore": 1,
      "random:index/randomString:RandomString": 1,
      [ACCOUNT]: 1,
      "azure-native:storage:BlobServiceProperties": 1,
      "azure-native:storage:BlobContainer": 3,
    });
  });

  it("sets every hardening property of the account explicitly", async () => {
    const { resources } = await build();
    const accountName = account(resources).inputs.accountName as string;
    expect(accountName).toMatch(/^models[a-z0-9]{6}$/);
    expect(account(resources).inputs).toEqual({
      resourceGroupName: "rg",
      location: "westeurope",
      tags: { env: "test" },
      accountName,
      kind: "StorageV2",
      sku: { name: "Standard_ZRS" },
      accessTier: "Hot",
      allowSharedKeyAccess: false,
      defaultToOAuthAuthentication: true,
      allowBlobPublicAccess: false,
      minimumTlsVersion: "TLS1_2",
      enableHttpsTrafficOnly: true,
      allowCrossTenantReplication: false,
      allowedCopyScope: "AAD",
      isLocalUserEnabled: false,
      isSftpEnabled: false,
      isHnsEnabled: false,
      enableNfsV3: false,
      publicNetworkAccess: "Disabled",
      networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices", ipRules: [], virtualNetworkRules: [] },
      encryption: {
        requireInfrastructureEncryption: true,
        services: { blob: { enabled: true, keyType: "Account" }, file: { enabled: true, keyType: "Account" } },
        keySource: "Microsoft.Storage",
      },
    });
  });

  it("turns on blob versioning and soft delete, and keeps every container private", async () => {
    const { resources } = await build();
    const accountName = account(resources).inputs.accountName;
    expect(named(resources, "azure-native:storage:BlobServiceProperties", "models-blob").inputs).toEqual({
      resourceGroupName: "rg",
      accountName,
      blobServicesName: "default",
      isVersioningEnabled: true,
      deleteRetentionPolicy: { enabled: true, days: 7 },
      containerDeleteRetentionPolicy: { enabled: true, days: 7 },
    });
    expect(ofType(resources, "azure-native:storage:BlobContainer").map((c) => c.inputs)).toEqual(
      ["datasets", "models", "reports"].map((containerName) => ({
        resourceGroupName: "rg",
        accountName,
        containerName,
        publicAccess: "None",
      })),
    );
  });

  it("exposes the blob endpoint and container names", async () => {
    const { result, resources } = await build();
    expect(await unwrap(result.blobEndpoint)).toBe(
      `https://${account(resources).inputs.accountName}.blob.core.windows.net/`,
    );
    expect(result.containerNames).toEqual(["datasets", "models", "reports"]);
  });

  it.each([
    [{ allowPublicNetworkAccess: true }, [`${ACCOUNT}::models-account.publicNetworkAccess`]],
    [{ allowedIpRanges: ["203.0.113.7"] }, [`${ACCOUNT}::models-account.networkRuleSet.ipRules`]],
    [{ zoneRedundant: false }, [`${ACCOUNT}::models-account.sku.name`]],
    [
      { softDeleteRetentionDays: 30 },
      [
        "azure-native:storage:BlobServiceProperties::models-blob.containerDeleteRetentionPolicy.days",
        "azure-native:storage:BlobServiceProperties::models-blob.deleteRetentionPolicy.days",
      ],
    ],
  ])("%j changes exactly %j", async (optOut, paths) => {
    const before = await build();
    const after = await build(optOut);
    expect(diffRuns(before.resources, after.resources)).toEqual(paths);
  });

  it("admits allowed ranges as Allow rules", async () => {
    const { resources } = await build({ allowedIpRanges: ["203.0.113.7"] });
    expect(account(resources).inputs.networkRuleSet.ipRules).toEqual([
      { iPAddressOrRange: "203.0.113.7", action: "Allow" },
    ]);
  });

  it("adds a blob private endpoint, account and blob-service diagnostics, a lock and blob data grants only when asked", async () => {
    const before = await build();
    const after = await build({
      privateEndpoint: { subnetId: "pe-subnet", privateDnsZoneId: "blob-zone" },
      diagnosticSettings: { workspaceId: "ws" },
      lock: { kind: "CanNotDelete" },
      roleAssignments: [{ roleDefinitionIdOrName: "Storage Blob Data Contributor", principalId: "training" }],
    });
    expect(diffRuns(before.resources, after.resources)).toEqual([
      "+ai-platform:network:PrivateEndpoint::models-blob",
      "+azure-native:authorization:ManagementLockByScope::models-lock",
      "+azure-native:authorization:RoleAssignment::models-role-0",
      "+azure-native:monitor:DiagnosticSetting::models-blob-diagnostics",
      "+azure-native:monitor:DiagnosticSetting::models-diagnostics",
      "+azure-native:network:PrivateDnsZoneGroup::models-blob-dns",
      "+azure-native:network:PrivateEndpoint::models-blob-pe",
    ]);
    const accountId = account(after.resources).state.id as string;
    expect(
      named(after.resources, "azure-native:network:PrivateEndpoint", "models-blob-pe").inputs
        .privateLinkServiceConnections,
    ).toEqual([{ name: "models-blob-blob", privateLinkServiceId: accountId, groupIds: ["blob"] }]);
    expect(named(after.resources, "azure-native:monitor:DiagnosticSetting", "models-diagnostics").inputs).toEqual({
      name: "models-diagnostics",
      resourceUri: accountId,
      workspaceId: "ws",
      logs: [],
      metrics: [{ category: "AllMetrics", enabled: true }],
    });
    expect(named(after.resources, "azure-native:monitor:DiagnosticSetting", "models-blob-diagnostics").inputs).toEqual({
      name: "models-blob-diagnostics",
      resourceUri: `${accountId}/blobServices/default`,
      workspaceId: "ws",
      logs: [{ categoryGroup: "allLogs", enabled: true }],
      metrics: [{ category: "AllMetrics", enabled: true }],
    });
    expect(
      named(after.resources, "azure-native:authorization:RoleAssignment", "models-role-0").inputs.roleDefinitionId,
    ).toBe(
      "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    );
  });

  it("applies log categories to the blob service only", async () => {
    const { resources } = await build({ diagnosticSettings: { workspaceId: "ws", logCategories: ["StorageWrite"] } });
    expect(named(resources, "azure-native:monitor:DiagnosticSetting", "models-diagnostics").inputs.logs).toEqual([]);
    expect(named(resources, "azure-native:monitor:DiagnosticSetting", "models-blob-diagnostics").inputs.logs).toEqual([
      { category: "StorageWrite", enabled: true },
    ]);
  });

  it("keeps role-assignment names stable across two runs", async () => {
    const args = {
      roleAssignments: [{ roleDefinitionIdOrName: "Storage Blob Data Reader", principalId: "inference" }],
    };
    const names = async () =>
      ofType((await construct(args)).resources, "azure-native:authorization:RoleAssignment").map(
        (r) => r.inputs.roleAssignmentName,
      );
    expect(await names()).toEqual(await names());
  });

  it("encrypts with a customer-managed key through a user-assigned identity, changing only those properties", async () => {
    const before = await build();
    const after = await build({
      customerManagedKey: {
        keyVaultUri: "https://kv.vault.azure.net/",
        keyName: "models",
        userAssignedIdentityId: "/uami/cmk",
        userAssignedIdentityClientId: "client",
      },
    });
    expect(diffRuns(before.resources, after.resources)).toEqual([
      `${ACCOUNT}::models-account.encryption.encryptionIdentity`,
      `${ACCOUNT}::models-account.encryption.keySource`,
      `${ACCOUNT}::models-account.encryption.keyVaultProperties`,
      `${ACCOUNT}::models-account.identity`,
    ]);
    expect(account(after.resources).inputs).toMatchObject({
      identity: { type: "UserAssigned", userAssignedIdentities: ["/uami/cmk"] },
      encryption: {
        keySource: "Microsoft.Keyvault",
        keyVaultProperties: { keyVaultUri: "https://kv.vault.azure.net/", keyName: "models" },
        encryptionIdentity: { encryptionUserAssignedIdentity: "/uami/cmk" },
      },
    });
  });

  it.each([0, 366, 1.5])("rejects softDeleteRetentionDays %s", async (days) => {
    await expect(build({ softDeleteRetentionDays: days })).rejects.toThrow(
      new Error(`ModelStore models: softDeleteRetentionDays (${days}) must be a whole number of days from 1 to 365`),
    );
  });
});
