import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { AksCluster, type AksClusterArgs } from "../../components/aks-cluster";
import {
  aksDiagnosticCategories,
  dnsPrefixFor,
  validateAksArgs,
  type AksValidationInput,
} from "../../components/aks-profiles";
import { containerInsightsStreams } from "../../components/aks-monitoring";
import { roleAssignmentName } from "../../components/shared/role-assignments";
import { recordedCalls, unwrap, type RegisteredResource } from "../support/pulumi-mocks";
import { countByType, diffRuns, memoize, named, ofType, record } from "./helpers";

const SUB =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets";
const ACR =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acr";
const WS =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/logs";
const base: AksClusterArgs = {
  resourceGroupName: "rg",
  location: "westeurope",
  tags: { env: "test" },
  apiServer: { mode: "private" },
  systemSubnetId: `${SUB}/system`,
  cpuSubnetId: `${SUB}/cpu`,
  apiServerSubnetId: `${SUB}/apiServer`,
  workspaceId: WS,
  defenderWorkspaceId: `${WS}-defender`,
};
const construct = (args: Partial<AksClusterArgs> = {}) => record(() => new AksCluster("aks", { ...base, ...args }));
const build = memoize(construct);
const CLUSTER = "azure-native:containerservice:ManagedCluster";
const cluster = (resources: readonly RegisteredResource[]) => named(resources, CLUSTER, "aks-aks");
const RA = "azure-native:authorization:RoleAssignment";

describe("AksCluster", () => {
  it("creates the identity, its subnet grants, the cluster, the CPU pool, two maintenance windows and the data collection", async () => {
    const { resources } = await build();
    expect(countByType(resources)).toEqual({
      "ai-platform:compute:AksCluster": 1,
      "azure-native:managedidentity:UserAssignedIdentity": 1,
      [RA]: 3,
      [CLUSTER]: 1,
      "azure-native:containerservice:AgentPool": 1,
      "azure-native:containerservice:MaintenanceConfiguration": 2,
      "ai-platform:monitoring:AksMonitoring": 1,
      "azure-native:monitor:AzureMonitorWorkspace": 1,
      "azure-native:monitor:DataCollectionEndpoint": 1,
      "azure-native:monitor:DataCollectionRule": 2,
      "azure-native:monitor:DataCollectionRuleAssociation": 2,
      // Propagation waits: subnet grants → cluster, cluster grants → first Kubernetes call.
      "pulumi-nodejs:dynamic:Resource": 2,
    });
  });

  it("grants the control plane every node subnet, the GPU pool's included", async () => {
    const { resources } = await construct({
      gpuPool: { vmSize: "Standard_NC4as_T4_v3", subnetId: `${SUB}/gpu` },
    });
    const scopes = ofType(resources, RA)
      .filter((r) => r.name.startsWith("aks-control-plane-grant-"))
      .map((r) => String(r.inputs.scope).split("/").pop())
      .sort();
    expect(scopes).toEqual(["apiServer", "cpu", "gpu", "system"]);
    expect(named(resources, "azure-native:containerservice:AgentPool", "aks-gpu-pool").inputs.vnetSubnetID).toBe(
      `${SUB}/gpu`,
    );
  });

  it("spreads the GPU pool over the cluster's zones unless it names its own", async () => {
    const gpu = { vmSize: "Standard_NC4as_T4_v3", subnetId: `${SUB}/gpu` };
    const zonesOf = async (args: Partial<AksClusterArgs>) =>
      named((await construct(args)).resources, "azure-native:containerservice:AgentPool", "aks-gpu-pool").inputs
        .availabilityZones;
    expect(await zonesOf({ gpuPool: gpu })).toEqual(["1", "2", "3"]);
    expect(await zonesOf({ gpuPool: { ...gpu, availabilityZones: ["2"] } })).toEqual(["2"]);
    expect(await zonesOf({ gpuPool: gpu, zoneRedundant: false })).toBeUndefined();
  });

  it("authorizes the nodes' NAT egress on a public API server without VNet integration", async () => {
    const { resources } = await construct({
      apiServer: { mode: "public", authorizedIpRanges: ["203.0.113.0/24"], vnetIntegration: false },
      nodeEgressIpAddress: "198.51.100.7",
    });
    expect(cluster(resources).inputs.apiServerAccessProfile.authorizedIPRanges).toEqual([
      "203.0.113.0/24",
      "198.51.100.7/32",
    ]);
  });

  it("sets every security-relevant property of the cluster explicitly", async () => {
    const { resources } = await build();
    const identityId = named(resources, "azure-native:managedidentity:UserAssignedIdentity", "aks-control-plane").state
      .id;
    expect(cluster(resources).inputs).toEqual({
      resourceGroupName: "rg",
      location: "westeurope",
      tags: { env: "test" },
      dnsPrefix: "aks",
      sku: { name: "Base", tier: "Standard" },
      supportPlan: "KubernetesOfficial",
      identity: { type: "UserAssigned", userAssignedIdentities: [identityId] },
      aadProfile: { managed: true, enableAzureRBAC: true },
      disableLocalAccounts: true,
      enableRBAC: true,
      oidcIssuerProfile: { enabled: true },
      securityProfile: {
        workloadIdentity: { enabled: true },
        // Not the Entra-only platform workspace: Defender's publisher needs workspace keys.
        defender: { logAnalyticsWorkspaceResourceId: `${WS}-defender`, securityMonitoring: { enabled: true } },
        imageCleaner: { enabled: true, intervalHours: 168 },
      },
      podIdentityProfile: { enabled: false },
      addonProfiles: {
        azurepolicy: { enabled: true, config: { version: "v2" } },
        azureKeyvaultSecretsProvider: {
          enabled: true,
          config: { enableSecretRotation: "true", rotationPollInterval: "2m" },
        },
        omsagent: { enabled: true, config: { logAnalyticsWorkspaceResourceID: WS, useAADAuth: "true" } },
      },
      azureMonitorProfile: {
        metrics: { enabled: true, kubeStateMetrics: { metricLabelsAllowlist: "", metricAnnotationsAllowList: "" } },
      },
      autoUpgradeProfile: { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" },
      apiServerAccessProfile: {
        enablePrivateCluster: true,
        privateDNSZone: "system",
        enablePrivateClusterPublicFQDN: false,
        enableVnetIntegration: true,
        subnetId: `${SUB}/apiServer`,
        disableRunCommand: true,
      },
      publicNetworkAccess: "Disabled",
      networkProfile: {
        networkPlugin: "azure",
        networkPluginMode: "overlay",
        networkDataplane: "cilium",
        networkPolicy: "cilium",
        podCidr: "192.168.0.0/16",
        serviceCidr: "172.16.0.0/16",
        dnsServiceIP: "172.16.0.10",
        loadBalancerSku: "standard",
        outboundType: "userAssignedNATGateway",
      },
      agentPoolProfiles: [
        {
          name: "system",
          mode: "System",
          vmSize: "Standard_D4s_v5",
          enableAutoScaling: true,
          minCount: 2,
          maxCount: 3,
          count: 2,
          availabilityZones: ["1", "2", "3"],
          osType: "Linux",
          osSKU: "AzureLinux",
          type: "VirtualMachineScaleSets",
          vnetSubnetID: `${SUB}/system`,
          enableNodePublicIP: false,
          nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"],
          upgradeSettings: { maxSurge: "33%" },
        },
      ],
    });
  });

  it("creates the CPU user pool as its own autoscaled AgentPool", async () => {
    const { resources } = await build();
    expect(named(resources, "azure-native:containerservice:AgentPool", "aks-cpu").inputs).toEqual({
      resourceGroupName: "rg",
      resourceName: "aks-aks",
      agentPoolName: "cpu",
      mode: "User",
      vmSize: "Standard_D4s_v5",
      enableAutoScaling: true,
      // One node per zone: a zone-redundant pool survives a node or zone failure and an upgrade.
      minCount: 3,
      maxCount: 5,
      count: 3,
      availabilityZones: ["1", "2", "3"],
      osType: "Linux",
      osSKU: "AzureLinux",
      type: "VirtualMachineScaleSets",
      vnetSubnetID: `${SUB}/cpu`,
      enableNodePublicIP: false,
      nodeLabels: { "ai-platform/pool": "cpu" },
      upgradeSettings: { maxSurge: "33%" },
      tags: { env: "test" },
    });
  });

  it("schedules both upgrade channels in the maintenance window", async () => {
    const { resources } = await build({
      maintenanceWindow: { dayOfWeek: "Saturday", startTime: "22:00", durationHours: 6, utcOffset: "+01:00" },
    });
    for (const configName of ["aksManagedAutoUpgradeSchedule", "aksManagedNodeOSUpgradeSchedule"]) {
      expect(
        named(resources, "azure-native:containerservice:MaintenanceConfiguration", `aks-${configName}`).inputs,
      ).toEqual({
        resourceGroupName: "rg",
        resourceName: "aks-aks",
        configName,
        maintenanceWindow: {
          schedule: { weekly: { dayOfWeek: "Saturday", intervalWeeks: 1 } },
          durationHours: 6,
          startTime: "22:00",
          utcOffset: "+01:00",
        },
      });
    }
  });

  it("grants the control-plane identity Network Contributor on each of its subnets before the cluster", async () => {
    const { resources } = await build();
    const principalId = named(resources, "azure-native:managedidentity:UserAssignedIdentity", "aks-control-plane").state
      .principalId;
    expect(
      ofType(resources, RA).map((r) => [
        r.name,
        r.inputs.scope,
        r.inputs.principalId,
        r.inputs.principalType,
        r.inputs.roleDefinitionId,
      ]),
    ).toEqual(
      ["system", "cpu", "apiServer"].map((subnet, i) => [
        `aks-control-plane-grant-${i}`,
        `${SUB}/${subnet}`,
        principalId,
        "ServicePrincipal",
        "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7",
      ]),
    );
  });

  it("sets up managed Prometheus and Container Insights with an association each", async () => {
    const { resources } = await build();
    const clusterId = cluster(resources).state.id;
    const amw = named(resources, "azure-native:monitor:AzureMonitorWorkspace", "aks-monitoring-prometheus");
    const dce = named(resources, "azure-native:monitor:DataCollectionEndpoint", "aks-monitoring-prometheus-dce");
    const promRule = named(resources, "azure-native:monitor:DataCollectionRule", "aks-monitoring-prometheus-dcr");
    const ciRule = named(resources, "azure-native:monitor:DataCollectionRule", "aks-monitoring-insights-dcr");
    expect(promRule.inputs).toEqual({
      resourceGroupName: "rg",
      location: "westeurope",
      tags: { env: "test" },
      kind: "Linux",
      dataCollectionEndpointId: dce.state.id,
      dataSources: {
        prometheusForwarder: [
          { name: "PrometheusDataSource", streams: ["Microsoft-PrometheusMetrics"], labelIncludeFilter: {} },
        ],
      },
      destinations: { monitoringAccounts: [{ name: "MonitoringAccount1", accountResourceId: amw.state.id }] },
      dataFlows: [{ streams: ["Microsoft-PrometheusMetrics"], destinations: ["MonitoringAccount1"] }],
    });
    expect(ciRule.inputs.destinations).toEqual({ logAnalytics: [{ name: "ciworkspace", workspaceResourceId: WS }] });
    expect(ciRule.inputs.dataSources.extensions[0]).toEqual({
      name: "ContainerInsightsExtension",
      extensionName: "ContainerInsights",
      streams: [...containerInsightsStreams],
      extensionSettings: {
        dataCollectionSettings: {
          interval: "1m",
          namespaceFilteringMode: "Exclude",
          namespaces: ["kube-system", "gatekeeper-system"],
          enableContainerLogV2: true,
        },
      },
    });
    expect(ofType(resources, "azure-native:monitor:DataCollectionRuleAssociation").map((r) => r.inputs)).toEqual([
      { resourceUri: clusterId, associationName: "ContainerInsightsExtension", dataCollectionRuleId: ciRule.state.id },
      { resourceUri: clusterId, associationName: "prometheus-metrics", dataCollectionRuleId: promRule.state.id },
    ]);
  });

  it("exposes a secret kubeconfig whose kubelogin user logs in non-interactively", async () => {
    const { result } = await build();
    expect(await pulumi.isSecret(result.kubeconfig)).toBe(true);
    const config = parse(await unwrap(result.kubeconfig)) as {
      users: { user: { exec: { command: string; args: string[] } } }[];
    };
    expect(config.users[0]!.user.exec).toMatchObject({
      command: "kubelogin",
      args: ["get-token", "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630", "--login", "azurecli"],
    });
    expect(
      recordedCalls("azure-native:containerservice:listManagedClusterUserCredentials").map((c) => c.inputs),
    ).toEqual([{ resourceGroupName: "rg", resourceName: "aks-aks", format: "exec" }]);
  });

  it("uses workload identity login in the kubeconfig when asked", async () => {
    const { result } = await build({ kubeloginMode: "workloadidentity" });
    expect(await unwrap(result.kubeconfig)).toContain("- workloadidentity");
  });

  it("exposes the OIDC issuer, kubelet identity and private API-server FQDN", async () => {
    const { result, resources } = await build();
    const state = cluster(resources).state;
    expect(await unwrap(result.oidcIssuerUrl)).toBe(state.oidcIssuerProfile.issuerURL);
    expect(await unwrap(result.kubeletObjectId)).toBe(state.identityProfile.kubeletidentity.objectId);
    expect(await unwrap(result.kubeletClientId)).toBe(state.identityProfile.kubeletidentity.clientId);
    expect(await unwrap(result.apiServerFqdn)).toBe(state.privateFQDN);
    expect(await unwrap(result.clusterName)).toBe("aks-aks");
  });

  it("opens a public API server only to its authorized ranges", async () => {
    const before = await build();
    const after = await build({ apiServer: { mode: "public", authorizedIpRanges: ["203.0.113.0/24"] } });
    expect(diffRuns(before.resources, after.resources)).toEqual([
      `${CLUSTER}::aks-aks.apiServerAccessProfile.authorizedIPRanges`,
      `${CLUSTER}::aks-aks.apiServerAccessProfile.enablePrivateCluster`,
      `${CLUSTER}::aks-aks.apiServerAccessProfile.enablePrivateClusterPublicFQDN`,
      `${CLUSTER}::aks-aks.apiServerAccessProfile.privateDNSZone`,
      `${CLUSTER}::aks-aks.publicNetworkAccess`,
    ]);
    expect(cluster(after.resources).inputs.apiServerAccessProfile).toEqual({
      enablePrivateCluster: false,
      authorizedIPRanges: ["203.0.113.0/24"],
      enableVnetIntegration: true,
      subnetId: `${SUB}/apiServer`,
      disableRunCommand: true,
    });
    expect(await unwrap(after.result.apiServerFqdn)).toBe(cluster(after.resources).state.fqdn);
  });

  it.each([
    [{ allowRunCommand: true }, [`${CLUSTER}::aks-aks.apiServerAccessProfile.disableRunCommand`]],
    [{ skuTier: "Free" as const }, [`${CLUSTER}::aks-aks.sku.tier`]],
    [{ upgradeChannel: "stable" as const }, [`${CLUSTER}::aks-aks.autoUpgradeProfile.upgradeChannel`]],
    [{ outboundType: "userDefinedRouting" as const }, [`${CLUSTER}::aks-aks.networkProfile.outboundType`]],
    [{ kubernetesVersion: "1.33" }, [`${CLUSTER}::aks-aks.kubernetesVersion`]],
    // The engine and the dataplane go together: Azure NPM runs on the Azure dataplane.
    [
      { networkPolicy: "azure" as const },
      [`${CLUSTER}::aks-aks.networkProfile.networkDataplane`, `${CLUSTER}::aks-aks.networkProfile.networkPolicy`],
    ],
    [
      { zoneRedundant: false },
      [
        "azure-native:containerservice:AgentPool::aks-cpu.availabilityZones",
        "azure-native:containerservice:AgentPool::aks-cpu.count",
        "azure-native:containerservice:AgentPool::aks-cpu.minCount",
        `${CLUSTER}::aks-aks.agentPoolProfiles`,
      ],
    ],
    [
      { systemPool: { vmSize: "Standard_D2s_v5", minCount: 1, maxCount: 2 } },
      [`${CLUSTER}::aks-aks.agentPoolProfiles`],
    ],
    [{ cpuPool: { maxCount: 10 } }, ["azure-native:containerservice:AgentPool::aks-cpu.maxCount"]],
    [
      { apiServer: { mode: "private" as const, vnetIntegration: false } },
      [
        `-${RA}::aks-control-plane-grant-2`,
        `${CLUSTER}::aks-aks.apiServerAccessProfile.enableVnetIntegration`,
        `${CLUSTER}::aks-aks.apiServerAccessProfile.subnetId`,
      ],
    ],
  ])("%j changes exactly %j", async (optOut, paths) => {
    const before = await build();
    const after = await build(optOut);
    expect(diffRuns(before.resources, after.resources)).toEqual(paths);
  });

  it("grants the kubelet identity AcrPull on the registry, named stably across runs", async () => {
    const first = await build({ containerRegistryId: ACR });
    const kubelet = cluster(first.resources).state.identityProfile.kubeletidentity.objectId as string;
    expect(named(first.resources, RA, "aks-kubelet-grant-0").inputs).toEqual({
      scope: ACR,
      principalId: kubelet,
      principalType: "ServicePrincipal",
      roleDefinitionId:
        "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d",
      roleAssignmentName: roleAssignmentName(ACR, kubelet, "AcrPull"),
      description: "AKS nodes pull images",
    });
    const second = await construct({ containerRegistryId: ACR });
    const names = (rs: readonly RegisteredResource[]) => ofType(rs, RA).map((r) => r.inputs.roleAssignmentName);
    expect(names(second.resources)).toEqual(names(first.resources));
  });

  it("grants admin groups AKS RBAC Cluster Admin on the cluster", async () => {
    const { resources } = await build({ adminGroupObjectIds: ["44444444-4444-4444-4444-444444444444"] });
    const clusterId = cluster(resources).state.id as string;
    expect(named(resources, RA, "aks-admins-role-0").inputs).toEqual({
      scope: clusterId,
      principalId: "44444444-4444-4444-4444-444444444444",
      principalType: "Group",
      roleDefinitionId:
        "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
      roleAssignmentName: roleAssignmentName(
        clusterId,
        "44444444-4444-4444-4444-444444444444",
        "Azure Kubernetes Service RBAC Cluster Admin",
      ),
    });
  });

  it("sends the curated control-plane categories, not allLogs, when diagnostics are on; adds a lock and grants when asked", async () => {
    const before = await build();
    const after = await build({
      diagnosticSettings: { workspaceId: WS },
      lock: { kind: "CanNotDelete" },
      roleAssignments: [
        {
          roleDefinitionIdOrName: "Azure Kubernetes Service RBAC Writer",
          principalId: "deployer",
          principalType: "User",
        },
      ],
    });
    expect(diffRuns(before.resources, after.resources)).toEqual([
      "+azure-native:authorization:ManagementLockByScope::aks-lock",
      `+${RA}::aks-role-0`,
      "+azure-native:monitor:DiagnosticSetting::aks-diagnostics",
      // With a cluster-scoped grant, the access wait now waits (0 seconds without one).
      "pulumi-nodejs:dynamic:Resource::aks-access-wait.seconds",
    ]);
    expect(named(after.resources, "azure-native:monitor:DiagnosticSetting", "aks-diagnostics").inputs).toEqual({
      name: "aks-diagnostics",
      resourceUri: cluster(after.resources).state.id,
      workspaceId: WS,
      logs: aksDiagnosticCategories.map((category) => ({ category, enabled: true })),
      metrics: [{ category: "AllMetrics", enabled: true }],
      logAnalyticsDestinationType: "Dedicated",
    });
    expect(aksDiagnosticCategories).toEqual([
      "kube-apiserver",
      "kube-audit-admin",
      "kube-controller-manager",
      "cluster-autoscaler",
      "guard",
    ]);
  });

  it("rejects a public API server without authorized ranges before declaring any child", async () => {
    await expect(build({ apiServer: { mode: "public" } })).rejects.toThrow(
      new Error(
        "AksCluster aks: apiServer.authorizedIpRanges is empty: a public API server must admit only listed ranges (the deployer's egress, operators)",
      ),
    );
  });
});

describe("validateAksArgs", () => {
  const valid: AksValidationInput = {
    apiServer: { mode: "private" },
    apiServerSubnetId: "subnet",
    systemPool: { vmSize: "Standard_D4s_v5", minCount: 2, maxCount: 3 },
    cpuPool: { vmSize: "Standard_D4s_v5", minCount: 0, maxCount: 5 },
    cidrs: { podCidr: "192.168.0.0/16", serviceCidr: "172.16.0.0/16", dnsServiceIP: "172.16.0.10" },
    maintenanceWindow: { dayOfWeek: "Sunday", startTime: "00:00", durationHours: 4, utcOffset: "+00:00" },
  };

  it("accepts the defaults", () => {
    expect(() => validateAksArgs("aks", valid)).not.toThrow();
  });

  it.each([
    [
      { apiServer: { mode: "public" as const, authorizedIpRanges: ["0.0.0.0/0"] } },
      "apiServer.authorizedIpRanges[0] (0.0.0.0/0) opens the API server to the whole internet",
    ],
    [
      { apiServer: { mode: "public" as const, authorizedIpRanges: ["203.0.113.0/24", "nope"] } },
      'apiServer.authorizedIpRanges[1] ("nope") is not an IPv4 CIDR',
    ],
    [
      { apiServer: { mode: "private" as const, authorizedIpRanges: ["203.0.113.0/24"] } },
      "apiServer.authorizedIpRanges applies to a public API server only; remove it or use mode public",
    ],
    [{ apiServerSubnetId: undefined }, "apiServerSubnetId is required with apiServer.vnetIntegration (the default)"],
    [
      { systemPool: { vmSize: "x", minCount: 0, maxCount: 3 } },
      "systemPool.minCount (0) must be a whole number of at least 1",
    ],
    [
      { cpuPool: { vmSize: "x", minCount: 3, maxCount: 2 } },
      "cpuPool.maxCount (2) must be a whole number from max(1, minCount) to 1000",
    ],
    [
      { cidrs: { podCidr: "172.16.0.0/12", serviceCidr: "172.16.0.0/16", dnsServiceIP: "172.16.0.10" } },
      "cidrs.podCidr (172.16.0.0/12) overlaps cidrs.serviceCidr (172.16.0.0/16)",
    ],
    [
      { cidrs: { podCidr: "192.168.0.0/16", serviceCidr: "172.16.0.0/16", dnsServiceIP: "172.16.0.1" } },
      "cidrs.dnsServiceIP (172.16.0.1) must be an address inside cidrs.serviceCidr after its first two",
    ],
    [
      { cidrs: { podCidr: "192.168.0.0/16", serviceCidr: "172.16.0.0/16", dnsServiceIP: "10.0.0.10" } },
      "cidrs.dnsServiceIP (10.0.0.10) must be an address inside cidrs.serviceCidr after its first two",
    ],
    [
      {
        maintenanceWindow: { dayOfWeek: "Sunday" as const, startTime: "24:00", durationHours: 4, utcOffset: "+00:00" },
      },
      'maintenanceWindow.startTime ("24:00") must be HH:mm',
    ],
    [
      {
        maintenanceWindow: { dayOfWeek: "Sunday" as const, startTime: "00:00", durationHours: 3, utcOffset: "+00:00" },
      },
      "maintenanceWindow.durationHours (3) must be a whole number from 4 to 24",
    ],
    [
      { maintenanceWindow: { dayOfWeek: "Sunday" as const, startTime: "00:00", durationHours: 4, utcOffset: "UTC" } },
      'maintenanceWindow.utcOffset ("UTC") must be +HH:mm or -HH:mm',
    ],
  ])("rejects %j", (override, message) => {
    expect(() => validateAksArgs("aks", { ...valid, ...override })).toThrow(new Error(`AksCluster aks: ${message}`));
  });

  it("names every bad field at once", () => {
    expect(() =>
      validateAksArgs("aks", {
        ...valid,
        apiServer: { mode: "public", vnetIntegration: false },
        systemPool: { vmSize: "x", minCount: 0, maxCount: 0 },
      }),
    ).toThrow(
      new Error(
        "AksCluster aks: apiServer.authorizedIpRanges is empty: a public API server must admit only listed ranges (the deployer's egress, operators); systemPool.minCount (0) must be a whole number of at least 1; systemPool.maxCount (0) must be a whole number from max(1, minCount) to 1000",
      ),
    );
  });

  it.each([
    ["aks", "aks"],
    ["AI Platform--Cluster-", "ai-platform-cluster"],
    ["--", "aks"],
  ])("dnsPrefixFor(%j) = %j", (name, expected) => {
    expect(dnsPrefixFor(name)).toBe(expected);
  });
});
