/**
 * An Entra-only AKS cluster after the AKS baseline: Azure RBAC, no local accounts, workload identity,
 * Azure Policy, Key Vault CSI with rotation, Container Insights and managed Prometheus, Defender, image
 * cleaner, auto-upgrades in a maintenance window, Azure CNI overlay with network policy, a user-assigned
 * control-plane identity, a tainted system pool and a separate CPU user pool.
 */
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as pulumi from "@pulumi/pulumi";
import {
  addonProfiles,
  aksDiagnosticCategories,
  apiServerAccessProfile,
  defaultClusterCidrs,
  defaultMaintenanceWindow,
  dnsPrefixFor,
  SYSTEM_POOL_TAINT,
  validateAksArgs,
  type ApiServerAccess,
  type ClusterCidrs,
  type MaintenanceWindow,
  type NodePoolScale,
} from "./aks-profiles";
import { AksMonitoring } from "./aks-monitoring";
import { addPoolsInOrder } from "./aks-pools";
import type { GpuNodePool, GpuNodePoolArgs } from "./gpu-node-pool";
import { nonInteractiveKubeconfig, type KubeloginMode } from "./platform-kubeconfig";
import { addDiagnosticSetting, type DiagnosticSettings } from "./shared/diagnostic-settings";
import { addLock, type Lock } from "./shared/lock";
import type { PlacementArgs } from "./shared/placement";
import { PropagationWait } from "./shared/propagation-wait";
import { assignRoles, grantRoles, type RoleAssignment } from "./shared/role-assignments";
import { type Overrides, withDefaults } from "./shared/with-defaults";

/** Arguments of {@link AksCluster}. */
export interface AksClusterArgs extends PlacementArgs {
  /** API-server exposure. Required: a private cluster, or a public one admitting only listed ranges. */
  apiServer: ApiServerAccess;
  /** Subnet of the system pool (`Network.subnetIds.system`). */
  systemSubnetId: pulumi.Input<string>;
  /** Subnet of the CPU user pool (`Network.subnetIds.cpu`). */
  cpuSubnetId: pulumi.Input<string>;
  /** Delegated subnet for API-server VNet integration (`Network.subnetIds.apiServer`). Required unless `apiServer.vnetIntegration` is `false`. */
  apiServerSubnetId?: pulumi.Input<string>;
  /**
   * GPU user pool, created after the CPU pool (AKS rejects concurrent agent-pool operations with
   * `OperationNotAllowed`); its subnet is granted to the control plane like the others. Defaults to none.
   */
  gpuPool?: Omit<GpuNodePoolArgs, "resourceGroupName" | "clusterName">;
  /**
   * Public egress IP of the node subnets (`Network.egressIpAddress`). With a public API server without VNet
   * integration, nodes reach the API server from this address, so it is added to the authorized ranges
   * (AKS adds only its own load-balancer IP). Defaults to none.
   */
  nodeEgressIpAddress?: pulumi.Input<string>;
  /** Seconds between a grant and its first use (RBAC propagation). Defaults to `DEFAULT_PROPAGATION_SECONDS`. */
  rbacPropagationSeconds?: number;
  /** Log Analytics workspace for Container Insights (`Monitoring.workspaceId`), Entra-only. */
  workspaceId: pulumi.Input<string>;
  /**
   * Workspace for Microsoft Defender for Containers (`Monitoring.defenderWorkspaceId`): required while Defender
   * is on, and it must allow local auth, because Defender's publisher pods use workspace keys only and
   * crash-loop against an Entra-only workspace.
   */
  defenderWorkspaceId: pulumi.Input<string>;
  /** Kubernetes version, for example `1.33`. Defaults to AKS's default for the region. */
  kubernetesVersion?: string;
  /** Control-plane tier. Defaults to `Standard` (uptime SLA); `Free` suits dev only. */
  skuTier?: "Free" | "Standard" | "Premium";
  /**
   * Cluster auto-upgrade channel. Defaults to `patch`: patches within the pinned minor version, so
   * `kubernetesVersion` never drifts from what the program says. Node images follow the `NodeImage` channel.
   */
  upgradeChannel?: "patch" | "stable" | "rapid" | "node-image" | "none";
  /** When auto-upgrades may run (both channels). Defaults to Sunday 00:00 UTC for 4 hours. */
  maintenanceWindow?: MaintenanceWindow;
  /** System pool size. Defaults to `Standard_D4s_v5`, 2 to 3 nodes. */
  systemPool?: Overrides<NodePoolScale>;
  /**
   * CPU user pool size. Defaults to `Standard_D4s_v5`, 3 to 5 nodes when zone-redundant (one node per zone, so
   * workloads survive a node or zone failure and an upgrade), else 1 to 5.
   */
  cpuPool?: Overrides<NodePoolScale>;
  /** Spread every pool over availability zones 1-3 (the GPU pool too, unless it sets its own). Defaults to `true`. */
  zoneRedundant?: boolean;
  /** Pod, service and DNS-service ranges. Defaults to 192.168.0.0/16, 172.16.0.0/16 and 172.16.0.10 (aks-baseline). */
  cidrs?: Partial<ClusterCidrs>;
  /** Network policy engine. Defaults to `cilium` (Azure CNI powered by Cilium); `azure` is Azure NPM. */
  networkPolicy?: "cilium" | "azure";
  /** Egress. Defaults to `userAssignedNATGateway`: the NAT gateway the `Network` component attaches to node subnets. */
  outboundType?: "userAssignedNATGateway" | "userDefinedRouting";
  /** Allow `az aks command invoke`. Defaults to `false`: run command reaches the cluster around the API-server exposure. */
  allowRunCommand?: boolean;
  /** Registry whose images nodes pull: the kubelet identity gets `AcrPull` on it. Defaults to none. */
  containerRegistryId?: pulumi.Input<string>;
  /** Entra groups granted `Azure Kubernetes Service RBAC Cluster Admin` on the cluster. Defaults to none. */
  adminGroupObjectIds?: readonly string[];
  /** How the exported kubeconfig logs in (kubelogin). Defaults to `azurecli`; `workloadidentity` for federated CI runners. */
  kubeloginMode?: KubeloginMode;
  /** Diagnostic settings. Defaults to none; when given, log categories default to `aksDiagnosticCategories`. */
  diagnosticSettings?: DiagnosticSettings;
  /** Management lock on the cluster. Defaults to none. */
  lock?: Lock;
  /** RBAC grants on the cluster, for example AKS RBAC roles for the deployer. Defaults to none. */
  roleAssignments?: readonly RoleAssignment[];
}

/** An AKS cluster with Entra-only access, its monitoring and its CPU user pool. */
export class AksCluster extends pulumi.ComponentResource {
  /** Resource id of the cluster. */
  readonly clusterId: pulumi.Output<string>;
  /** Name of the cluster (the `resourceName` node pools take). */
  readonly clusterName: pulumi.Output<string>;
  /** Kubeconfig with a non-interactive kubelogin exec user; works with local accounts disabled. Secret. */
  readonly kubeconfig: pulumi.Output<string>;
  /** OIDC issuer URL, for workload identity federation. */
  readonly oidcIssuerUrl: pulumi.Output<string>;
  /** Object id of the kubelet identity (the identity nodes pull images with). */
  readonly kubeletObjectId: pulumi.Output<string>;
  /** Client id of the kubelet identity. */
  readonly kubeletClientId: pulumi.Output<string>;
  /** Resource id of the control-plane identity. */
  readonly controlPlaneIdentityId: pulumi.Output<string>;
  /** Principal id of the control-plane identity. */
  readonly controlPlanePrincipalId: pulumi.Output<string>;
  /** Client id of the Key Vault Secrets Store CSI add-on identity. */
  readonly keyVaultSecretsProviderClientId: pulumi.Output<string>;
  /** Node resource group (`MC_...`). */
  readonly nodeResourceGroup: pulumi.Output<string>;
  /** API server FQDN: the private FQDN of a private cluster, else the public one. */
  readonly apiServerFqdn: pulumi.Output<string>;
  /** Azure Monitor workspace holding the Prometheus metrics. */
  readonly azureMonitorWorkspaceId: pulumi.Output<string>;
  /** The GPU pool, when `gpuPool` was given. */
  readonly gpuPool?: GpuNodePool;
  /**
   * Depend on this before the first Kubernetes call: it completes after the cluster-scoped grants
   * (`roleAssignments`, `adminGroupObjectIds`) have had time to propagate.
   */
  readonly accessReady: pulumi.Resource;

  constructor(name: string, args: AksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:compute:AksCluster", name, {}, opts);
    const systemPool = withDefaults<NodePoolScale>(
      { vmSize: "Standard_D4s_v5", minCount: 2, maxCount: 3 },
      args.systemPool,
    );
    const zones = args.zoneRedundant === false ? undefined : ["1", "2", "3"];
    const cpuPool = withDefaults<NodePoolScale>(
      { vmSize: "Standard_D4s_v5", minCount: zones === undefined ? 1 : zones.length, maxCount: 5 },
      args.cpuPool,
    );
    const cidrs = withDefaults<ClusterCidrs>(defaultClusterCidrs, args.cidrs);
    const window = args.maintenanceWindow ?? defaultMaintenanceWindow;
    validateAksArgs(name, {
      apiServer: args.apiServer,
      apiServerSubnetId: args.apiServerSubnetId,
      systemPool,
      cpuPool,
      cidrs,
      maintenanceWindow: window,
    });
    const vnetIntegration = args.apiServer.vnetIntegration ?? true;
    const policy = args.networkPolicy ?? "cilium";

    const controlPlane = new managedidentity.UserAssignedIdentity(
      `${name}-control-plane`,
      { resourceGroupName: args.resourceGroupName, location: args.location, tags: args.tags },
      { parent: this },
    );
    // With bring-your-own subnets the control plane joins nodes and the API server to them (aks-baseline).
    const subnetGrants = grantRoles(
      `${name}-control-plane`,
      controlPlane.principalId,
      [
        args.systemSubnetId,
        args.cpuSubnetId,
        ...(vnetIntegration && args.apiServerSubnetId !== undefined ? [args.apiServerSubnetId] : []),
        ...(args.gpuPool === undefined ? [] : [args.gpuPool.subnetId]),
      ].map((scope) => ({
        scope,
        roleDefinitionIdOrName: "Network Contributor" as const,
        description: "AKS control plane: join nodes and API server to the subnet",
      })),
      this,
    );
    const subnetGrantsReady = new PropagationWait(
      `${name}-subnet-grants-wait`,
      { seconds: args.rbacPropagationSeconds, triggers: [controlPlane.principalId] },
      { parent: this, dependsOn: subnetGrants },
    );
    const publicWithoutIntegration = args.apiServer.mode === "public" && !vnetIntegration;
    const nodeEgressCidr =
      publicWithoutIntegration && args.nodeEgressIpAddress !== undefined
        ? pulumi.interpolate`${args.nodeEgressIpAddress}/32`
        : undefined;

    const cluster = new containerservice.ManagedCluster(
      `${name}-aks`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        tags: args.tags,
        dnsPrefix: dnsPrefixFor(name),
        kubernetesVersion: args.kubernetesVersion,
        sku: { name: "Base", tier: args.skuTier ?? "Standard" },
        supportPlan: "KubernetesOfficial",
        identity: { type: "UserAssigned", userAssignedIdentities: [controlPlane.id] },
        aadProfile: { managed: true, enableAzureRBAC: true },
        disableLocalAccounts: true,
        enableRBAC: true,
        oidcIssuerProfile: { enabled: true },
        securityProfile: {
          workloadIdentity: { enabled: true },
          defender: {
            logAnalyticsWorkspaceResourceId: args.defenderWorkspaceId,
            securityMonitoring: { enabled: true },
          },
          imageCleaner: { enabled: true, intervalHours: 168 },
        },
        podIdentityProfile: { enabled: false },
        addonProfiles: addonProfiles(args.workspaceId),
        azureMonitorProfile: {
          metrics: { enabled: true, kubeStateMetrics: { metricLabelsAllowlist: "", metricAnnotationsAllowList: "" } },
        },
        autoUpgradeProfile: { upgradeChannel: args.upgradeChannel ?? "patch", nodeOSUpgradeChannel: "NodeImage" },
        apiServerAccessProfile: apiServerAccessProfile(
          args.apiServer,
          args.apiServerSubnetId,
          args.allowRunCommand === true,
          nodeEgressCidr,
        ),
        publicNetworkAccess: args.apiServer.mode === "private" ? "Disabled" : "Enabled",
        networkProfile: {
          networkPlugin: "azure",
          networkPluginMode: "overlay",
          networkDataplane: policy === "cilium" ? "cilium" : "azure",
          networkPolicy: policy,
          podCidr: cidrs.podCidr,
          serviceCidr: cidrs.serviceCidr,
          dnsServiceIP: cidrs.dnsServiceIP,
          loadBalancerSku: "standard",
          outboundType: args.outboundType ?? "userAssignedNATGateway",
        },
        // Only the system pool is inline: changing inline pools puts every pool into Scaling
        // (pulumi-azure-native#4264); user and GPU pools are separate AgentPool resources.
        agentPoolProfiles: [
          {
            name: "system",
            mode: "System",
            vmSize: systemPool.vmSize,
            enableAutoScaling: true,
            minCount: systemPool.minCount,
            maxCount: systemPool.maxCount,
            count: systemPool.minCount,
            availabilityZones: zones,
            osType: "Linux",
            osSKU: "AzureLinux",
            type: "VirtualMachineScaleSets",
            vnetSubnetID: args.systemSubnetId,
            enableNodePublicIP: false,
            nodeTaints: [SYSTEM_POOL_TAINT],
            upgradeSettings: { maxSurge: "33%" },
          },
        ],
      },
      { parent: this, dependsOn: [subnetGrantsReady], ignoreChanges: ["agentPoolProfiles[0].count"] },
    );

    const gpuPool = addPoolsInOrder(
      name,
      {
        resourceGroupName: args.resourceGroupName,
        tags: args.tags,
        clusterName: cluster.name,
        cluster,
        cpuPool,
        cpuSubnetId: args.cpuSubnetId,
        zones,
        gpuPool: args.gpuPool,
        maintenanceWindow: window,
      },
      this,
    );

    const monitoring = new AksMonitoring(
      `${name}-monitoring`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        tags: args.tags,
        clusterId: cluster.id,
        workspaceId: args.workspaceId,
      },
      { parent: this },
    );

    const kubelet = cluster.identityProfile.apply((profile) => profile?.["kubeletidentity"] ?? {});
    this.kubeletObjectId = kubelet.apply((k) => k.objectId ?? "");
    this.kubeletClientId = kubelet.apply((k) => k.clientId ?? "");
    if (args.containerRegistryId !== undefined) {
      grantRoles(
        `${name}-kubelet`,
        this.kubeletObjectId,
        [{ scope: args.containerRegistryId, roleDefinitionIdOrName: "AcrPull", description: "AKS nodes pull images" }],
        this,
      );
    }
    const admins = assignRoles(
      `${name}-admins`,
      cluster.id,
      (args.adminGroupObjectIds ?? []).map((principalId) => ({
        roleDefinitionIdOrName: "Azure Kubernetes Service RBAC Cluster Admin" as const,
        principalId,
        principalType: "Group" as const,
      })),
      this,
    );
    addDiagnosticSetting(
      name,
      cluster.id,
      args.diagnosticSettings,
      { logs: aksDiagnosticCategories, metrics: true, dedicated: true },
      this,
    );
    addLock(name, cluster.id, args.lock, this);
    const clusterGrants = assignRoles(name, cluster.id, args.roleAssignments, this);
    this.accessReady = new PropagationWait(
      `${name}-access-wait`,
      // Nothing to wait for without cluster-scoped grants.
      { seconds: admins.length + clusterGrants.length === 0 ? 0 : args.rbacPropagationSeconds, triggers: [cluster.id] },
      { parent: this, dependsOn: [...admins, ...clusterGrants] },
    );

    const credentials = containerservice.listManagedClusterUserCredentialsOutput(
      { resourceGroupName: args.resourceGroupName, resourceName: cluster.name, format: "exec" },
      { parent: this },
    );
    const mode = args.kubeloginMode ?? "azurecli";
    this.kubeconfig = pulumi.secret(
      credentials.kubeconfigs.apply((configs) =>
        nonInteractiveKubeconfig(Buffer.from(configs[0]?.value ?? "", "base64").toString("utf8"), mode),
      ),
    );
    this.clusterId = cluster.id;
    this.clusterName = cluster.name;
    this.oidcIssuerUrl = cluster.oidcIssuerProfile.apply((p) => p?.issuerURL ?? "");
    this.controlPlaneIdentityId = controlPlane.id;
    this.controlPlanePrincipalId = controlPlane.principalId;
    this.keyVaultSecretsProviderClientId = cluster.addonProfiles.apply(
      (p) => p?.["azureKeyvaultSecretsProvider"]?.identity?.clientId ?? "",
    );
    this.nodeResourceGroup = cluster.nodeResourceGroup.apply((rg) => rg ?? "");
    this.apiServerFqdn = args.apiServer.mode === "private" ? cluster.privateFQDN : cluster.fqdn;
    this.azureMonitorWorkspaceId = monitoring.azureMonitorWorkspaceId;
    if (gpuPool !== undefined) this.gpuPool = gpuPool;
    this.registerOutputs({
      clusterId: this.clusterId,
      clusterName: this.clusterName,
      kubeconfig: this.kubeconfig,
      oidcIssuerUrl: this.oidcIssuerUrl,
      kubeletObjectId: this.kubeletObjectId,
      kubeletClientId: this.kubeletClientId,
      controlPlaneIdentityId: this.controlPlaneIdentityId,
      controlPlanePrincipalId: this.controlPlanePrincipalId,
      keyVaultSecretsProviderClientId: this.keyVaultSecretsProviderClientId,
      nodeResourceGroup: this.nodeResourceGroup,
      apiServerFqdn: this.apiServerFqdn,
      azureMonitorWorkspaceId: this.azureMonitorWorkspaceId,
    });
  }
}
