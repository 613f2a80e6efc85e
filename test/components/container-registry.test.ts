import { describe, expect, it } from "vitest";
import { ContainerRegistry, type ContainerRegistryArgs } from "../../components/container-registry";
import { roleAssignmentName } from "../../components/shared/role-assignments";
import { unwrap, type RegisteredResource } from "../support/pulumi-mocks";
import { countByType, diffRuns, memoize, named, ofType, record } from "./helpers";

const base: ContainerRegistryArgs = { resourceGroupName: "rg", location: "westeurope", tags: { env: "test" } };
const construct = (args: Partial<ContainerRegistryArgs> = {}) =>
  record(() => new ContainerRegistry("acr", { ...base, ...args }));
const build = memoize(construct);
const REGISTRY = "azure-native:containerregistry:Registry";
const registry = (resources: readonly RegisteredResource[]) => named(resources, REGISTRY, "acr-registry");

describe("ContainerRegistry", () => {
  it("creates the registry and its name suffix, and nothing else by default", async () => {
    const { resources } = await build();
    expect(countByType(resources)).toEqual({
      "ai-platform:containers:ContainerRegistry": 1,
      "random:index/randomString:RandomString": 1,
      [REGISTRY]: 1,
    });
  });

  it("sets every hardening property explicitly", async () => {
    const { resources } = await build();
    const registryName = registry(resources).inputs.registryName as string;
    expect(registryName).toMatch(/^acr[a-z0-9]{6}$/);
    expect(registry(resources).inputs).toEqual({
      resourceGroupName: "rg",
      location: "westeurope",
      tags: { env: "test" },
      registryName,
      sku: { name: "Premium" },
      adminUserEnabled: false,
      anonymousPullEnabled: false,
      publicNetworkAccess: "Disabled",
      networkRuleSet: { defaultAction: "Deny", ipRules: [] },
      networkRuleBypassOptions: "AzureServices",
      zoneRedundancy: "Enabled",
      dataEndpointEnabled: true,
      policies: {
        retentionPolicy: { status: "enabled", days: 15 },
        exportPolicy: { status: "disabled" },
        quarantinePolicy: { status: "disabled" },
        trustPolicy: { type: "Notary", status: "disabled" },
        softDeletePolicy: { status: "disabled", retentionDays: 7 }, // retentionDays filled in by the SDK
        azureADAuthenticationAsArmPolicy: { status: "enabled" },
      },
    });
  });

  it("exposes the login server", async () => {
    const { result, resources } = await build();
    expect(await unwrap(result.loginServer)).toBe(`${registry(resources).inputs.registryName}.azurecr.io`);
    expect(await unwrap(result.registryName)).toBe(registry(resources).inputs.registryName);
  });

  it.each([
    [
      // ACR can disable artifact export only while public access is off, so export follows public access.
      { allowPublicNetworkAccess: true },
      [`${REGISTRY}::acr-registry.policies.exportPolicy.status`, `${REGISTRY}::acr-registry.publicNetworkAccess`],
    ],
    [{ allowedIpRanges: ["203.0.113.0/24"] }, [`${REGISTRY}::acr-registry.networkRuleSet.ipRules`]],
    [{ zoneRedundant: false }, [`${REGISTRY}::acr-registry.zoneRedundancy`]],
    [{ untaggedRetentionDays: 30 }, [`${REGISTRY}::acr-registry.policies.retentionPolicy.days`]],
    [
      { requireAcrAudienceTokens: true },
      [`${REGISTRY}::acr-registry.policies.azureADAuthenticationAsArmPolicy.status`],
    ],
  ])("%j changes exactly %j", async (optOut, paths) => {
    const before = await build();
    const after = await build(optOut);
    expect(diffRuns(before.resources, after.resources)).toEqual(paths);
  });

  it("keeps the firewall at default Deny with public access, admitting only the allowed ranges", async () => {
    const { resources } = await build({ allowPublicNetworkAccess: true, allowedIpRanges: ["203.0.113.0/24"] });
    expect(registry(resources).inputs.networkRuleSet).toEqual({
      defaultAction: "Deny",
      ipRules: [{ iPAddressOrRange: "203.0.113.0/24", action: "Allow" }],
    });
  });

  it("adds a registry private endpoint, diagnostics, a lock and AcrPull/AcrPush grants only when asked", async () => {
    const before = await build();
    const after = await build({
      privateEndpoint: { subnetId: "pe-subnet", privateDnsZoneId: "acr-zone" },
      diagnosticSettings: { workspaceId: "ws" },
      lock: { kind: "CanNotDelete" },
      roleAssignments: [
        { roleDefinitionIdOrName: "AcrPull", principalId: "kubelet" },
        { roleDefinitionIdOrName: "AcrPush", principalId: "ci", principalType: "ServicePrincipal" },
      ],
    });
    expect(diffRuns(before.resources, after.resources)).toEqual([
      "+ai-platform:network:PrivateEndpoint::acr-registry",
      "+azure-native:authorization:ManagementLockByScope::acr-lock",
      "+azure-native:authorization:RoleAssignment::acr-role-0",
      "+azure-native:authorization:RoleAssignment::acr-role-1",
      "+azure-native:monitor:DiagnosticSetting::acr-diagnostics",
      "+azure-native:network:PrivateDnsZoneGroup::acr-registry-dns",
      "+azure-native:network:PrivateEndpoint::acr-registry-pe",
    ]);
    const registryId = registry(after.resources).state.id as string;
    expect(
      named(after.resources, "azure-native:network:PrivateEndpoint", "acr-registry-pe").inputs
        .privateLinkServiceConnections,
    ).toEqual([{ name: "acr-registry-registry", privateLinkServiceId: registryId, groupIds: ["registry"] }]);
    expect(named(after.resources, "azure-native:monitor:DiagnosticSetting", "acr-diagnostics").inputs).toEqual({
      name: "acr-diagnostics",
      resourceUri: registryId,
      workspaceId: "ws",
      logs: [{ categoryGroup: "allLogs", enabled: true }],
      metrics: [{ category: "AllMetrics", enabled: true }],
      logAnalyticsDestinationType: "Dedicated",
    });
    expect(
      ofType(after.resources, "azure-native:authorization:RoleAssignment").map((r) => [
        r.inputs.roleDefinitionId,
        r.inputs.roleAssignmentName,
      ]),
    ).toEqual([
      [
        "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d",
        roleAssignmentName(registryId, "kubelet", "AcrPull"),
      ],
      [
        "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/8311e382-0749-4cb8-b61a-304f252e45ec",
        roleAssignmentName(registryId, "ci", "AcrPush"),
      ],
    ]);
  });

  it("keeps role-assignment names stable across two runs", async () => {
    const args = { roleAssignments: [{ roleDefinitionIdOrName: "AcrPull", principalId: "kubelet" }] };
    const names = async () =>
      ofType((await construct(args)).resources, "azure-native:authorization:RoleAssignment").map(
        (r) => r.inputs.roleAssignmentName,
      );
    expect(await names()).toEqual(await names());
  });

  it("encrypts with a customer-managed key named by the identity's client id, changing only those properties", async () => {
    const before = await build();
    const after = await build({
      customerManagedKey: {
        keyVaultUri: "https://kv.vault.azure.net/",
        keyName: "acr",
        userAssignedIdentityId: "/uami/cmk",
        userAssignedIdentityClientId: "cmk-client",
      },
    });
    expect(diffRuns(before.resources, after.resources)).toEqual([
      `${REGISTRY}::acr-registry.encryption`,
      `${REGISTRY}::acr-registry.identity`,
    ]);
    expect(registry(after.resources).inputs).toMatchObject({
      identity: { type: "UserAssigned", userAssignedIdentities: { "/uami/cmk": {} } },
      encryption: {
        status: "enabled",
        keyVaultProperties: { identity: "cmk-client", keyIdentifier: "https://kv.vault.azure.net/keys/acr" },
      },
    });
  });

  it.each([-1, 366, 2.5])("rejects untaggedRetentionDays %s", async (days) => {
    await expect(build({ untaggedRetentionDays: days })).rejects.toThrow(
      new Error(`ContainerRegistry acr: untaggedRetentionDays (${days}) must be a whole number of days from 0 to 365`),
    );
  });
});
