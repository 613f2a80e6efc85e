import { describe, expect, it } from "vitest";
import { KeyVault, type KeyVaultArgs } from "../../components/key-vault";
import { roleAssignmentName } from "../../components/shared/role-assignments";
import { MOCK_TENANT_ID, unwrap, type RegisteredResource } from "../support/pulumi-mocks";
import { countByType, diffRuns, memoize, named, ofType, record } from "./helpers";

const base: KeyVaultArgs = { resourceGroupName: "rg", location: "westeurope", tags: { env: "test" } };
const construct = (args: Partial<KeyVaultArgs> = {}) => record(() => new KeyVault("kv", { ...base, ...args }));
const build = memoize(construct);
const VAULT = "azure-native:keyvault:Vault";
const vault = (resources: readonly RegisteredResource[]) => named(resources, VAULT, "kv-vault");

describe("KeyVault", () => {
  it("creates the vault and its name suffix, and nothing else by default", async () => {
    const { resources } = await build();
    expect(countByType(resources)).toEqual({
      "ai-platform:security:KeyVault": 1,
      "random:index/randomString:RandomString": 1,
      [VAULT]: 1,
    });
  });

  it("sets every hardening property explicitly", async () => {
    const { resources } = await build();
    const vaultName = vault(resources).inputs.vaultName as string;
    expect(vaultName).toMatch(/^kv-[a-z0-9]{6}$/);
    expect(vault(resources).inputs).toEqual({
      resourceGroupName: "rg",
      location: "westeurope",
      tags: { env: "test" },
      vaultName,
      properties: {
        tenantId: MOCK_TENANT_ID,
        sku: { family: "A", name: "premium" },
        enableRbacAuthorization: true,
        accessPolicies: [],
        enableSoftDelete: true,
        softDeleteRetentionInDays: 90,
        enablePurgeProtection: true,
        enabledForDeployment: false,
        enabledForDiskEncryption: false,
        enabledForTemplateDeployment: false,
        publicNetworkAccess: "Disabled",
        networkAcls: { defaultAction: "Deny", bypass: "AzureServices", ipRules: [], virtualNetworkRules: [] },
      },
    });
  });

  it("exposes the vault URI", async () => {
    const { result, resources } = await build();
    expect(await unwrap(result.vaultUri)).toBe(`https://${vault(resources).inputs.vaultName}.vault.azure.net/`);
  });

  it.each([
    [{ allowPublicNetworkAccess: true }, [`${VAULT}::kv-vault.properties.publicNetworkAccess`]],
    [{ allowedIpRanges: ["203.0.113.0/24"] }, [`${VAULT}::kv-vault.properties.networkAcls.ipRules`]],
    [{ sku: "standard" as const }, [`${VAULT}::kv-vault.properties.sku.name`]],
    [{ softDeleteRetentionDays: 7 }, [`${VAULT}::kv-vault.properties.softDeleteRetentionInDays`]],
    [{ tenantId: "33333333-3333-3333-3333-333333333333" }, [`${VAULT}::kv-vault.properties.tenantId`]],
  ])("%j changes exactly %j", async (optOut, paths) => {
    const before = await build();
    const after = await build(optOut);
    expect(diffRuns(before.resources, after.resources)).toEqual(paths);
  });

  it("admits the allowed ranges as firewall IP rules", async () => {
    const { resources } = await build({ allowPublicNetworkAccess: true, allowedIpRanges: ["203.0.113.0/24"] });
    expect(vault(resources).inputs.properties.networkAcls).toEqual({
      defaultAction: "Deny",
      bypass: "AzureServices",
      ipRules: [{ value: "203.0.113.0/24" }],
      virtualNetworkRules: [],
    });
  });

  it("adds a vault private endpoint, diagnostics, a lock and Secrets User grants only when asked", async () => {
    const before = await build();
    const after = await build({
      privateEndpoint: { subnetId: "pe-subnet", privateDnsZoneId: "kv-zone" },
      diagnosticSettings: { workspaceId: "ws" },
      lock: { kind: "CanNotDelete" },
      roleAssignments: [{ roleDefinitionIdOrName: "Key Vault Secrets User", principalId: "workload" }],
    });
    expect(diffRuns(before.resources, after.resources)).toEqual([
      "+ai-platform:network:PrivateEndpoint::kv-vault",
      "+azure-native:authorization:ManagementLockByScope::kv-lock",
      "+azure-native:authorization:RoleAssignment::kv-role-0",
      "+azure-native:monitor:DiagnosticSetting::kv-diagnostics",
      "+azure-native:network:PrivateDnsZoneGroup::kv-vault-dns",
      "+azure-native:network:PrivateEndpoint::kv-vault-pe",
    ]);
    const vaultId = vault(after.resources).state.id as string;
    expect(
      named(after.resources, "azure-native:network:PrivateEndpoint", "kv-vault-pe").inputs
        .privateLinkServiceConnections,
    ).toEqual([{ name: "kv-vault-vault", privateLinkServiceId: vaultId, groupIds: ["vault"] }]);
    expect(named(after.resources, "azure-native:monitor:DiagnosticSetting", "kv-diagnostics").inputs).toEqual({
      name: "kv-diagnostics",
      resourceUri: vaultId,
      workspaceId: "ws",
      logs: [{ categoryGroup: "allLogs", enabled: true }],
      metrics: [{ category: "AllMetrics", enabled: true }],
    });
    expect(named(after.resources, "azure-native:authorization:RoleAssignment", "kv-role-0").inputs).toEqual({
      scope: vaultId,
      principalId: "workload",
      principalType: "ServicePrincipal",
      roleDefinitionId:
        "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6",
      roleAssignmentName: roleAssignmentName(vaultId, "workload", "Key Vault Secrets User"),
    });
  });

  it("keeps role-assignment names stable across two runs", async () => {
    const args = {
      vaultName: "kv-fixed",
      roleAssignments: [{ roleDefinitionIdOrName: "Key Vault Secrets User", principalId: "w" }],
    };
    const names = async () =>
      ofType((await construct(args)).resources, "azure-native:authorization:RoleAssignment").map(
        (r) => r.inputs.roleAssignmentName,
      );
    expect(await names()).toEqual(await names());
  });

  it.each([6, 91, 30.5])("rejects softDeleteRetentionDays %s", async (days) => {
    await expect(build({ softDeleteRetentionDays: days })).rejects.toThrow(
      new Error(`KeyVault kv: softDeleteRetentionDays (${days}) must be a whole number of days from 7 to 90`),
    );
  });
});
