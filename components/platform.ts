/**
 * `AiPlatform`: the one component that composes the whole platform — network, private DNS, data
 * (Cosmos DB, model store), registry, Key Vault, monitoring, AKS with a GPU pool, the service images
 * and the workloads — from a small set of decisions. Every hardening default of the underlying
 * components stays on; the arguments only choose sizes and the few trade-offs environments differ on.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as resources from "@pulumi/azure-native/resources";
import { AksCluster } from "./aks-cluster";
import { ContainerRegistry } from "./container-registry";
import { CosmosDb } from "./cosmos-db";
import { PlatformImages, type PlatformImagesArgs } from "./images";
import { KeyVault } from "./key-vault";
import { BaselineAlerts } from "./baseline-alerts";
import { PipelineAlerts } from "./pipeline-alerts";
import { ModelStore } from "./model-store";
import { Monitoring } from "./monitoring";
import { Network } from "./network";
import { type AiPlatformArgs, validatePlatformArgs } from "./platform-args";
import { workloadIdentities } from "./platform-identities";
import { PlatformWorkloads } from "./platform-workloads";
import { PrivateDnsZones } from "./private-dns-zones";
import type { Lock } from "./shared/lock";
import { principalTypeOfToken } from "./shared/principal-type";
import { PropagationWait } from "./shared/propagation-wait";

export * from "./platform-args";

/** The whole platform. */
export class AiPlatform extends pulumi.ComponentResource {
  /** Resource group holding every resource. */
  readonly resourceGroupName: pulumi.Output<string>;
  /** VNet id. */
  readonly vnetId: pulumi.Output<string>;
  /** Cosmos DB account endpoint. */
  readonly cosmosEndpoint: pulumi.Output<string>;
  /** Model store blob endpoint. */
  readonly blobEndpoint: pulumi.Output<string>;
  /** Registry login server. */
  readonly registryLoginServer: pulumi.Output<string>;
  /** Key Vault URI. */
  readonly keyVaultUri: pulumi.Output<string>;
  /** AKS cluster name. */
  readonly clusterName: pulumi.Output<string>;
  /** AKS cluster resource id. */
  readonly clusterId: pulumi.Output<string>;
  /** API server FQDN (private FQDN for a private cluster). */
  readonly apiServerFqdn: pulumi.Output<string>;
  /** OIDC issuer of the cluster (workload identity federation). */
  readonly oidcIssuerUrl: pulumi.Output<string>;
  /** Non-interactive (kubelogin) user kubeconfig. A secret. */
  readonly kubeconfig: pulumi.Output<string>;
  /** Log Analytics workspace id. */
  readonly logAnalyticsWorkspaceId: pulumi.Output<string>;
  /** In-cluster URL of the inference API; unset without `workloads`. */
  readonly inferenceUrl?: pulumi.Output<string>;
  /** Digest-pinned inference image; unset without `images`. */
  readonly inferenceImage?: pulumi.Output<string>;
  /** Digest-pinned training image; unset without `images`. */
  readonly trainingImage?: pulumi.Output<string>;

  constructor(name: string, args: AiPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    validatePlatformArgs(name, args);
    super("ai-platform:index:AiPlatform", name, {}, opts);
    const child = { parent: this };
    const tags = args.tags ?? {};
    const lock: Lock | undefined =
      args.resourceLocks === true
        ? { kind: "CanNotDelete", notes: `Stateful resource of ${name}; remove the lock deliberately before deleting.` }
        : undefined;
    const zoneRedundant = args.zoneRedundant ?? true;

    const rg = new resources.ResourceGroup(
      `${name}-rg`,
      { resourceGroupName: args.resourceGroupName ?? `rg-${name}`, location: args.location, tags },
      child,
    );
    const placement = { resourceGroupName: rg.name, location: args.location, tags };
    const deployer = authorization.getClientConfigOutput(child);
    const deployerPrincipalType =
      (args.deployerPrincipalType ?? "auto") === "auto"
        ? authorization.getClientTokenOutput({}, child).token.apply(principalTypeOfToken)
        : (args.deployerPrincipalType as "User" | "ServicePrincipal");

    const monitoring = new Monitoring(
      `${name}-mon`,
      {
        ...placement,
        retentionInDays: args.logRetentionDays ?? 90,
        alertEmails: args.alertEmails ?? [],
        defenderWorkspace: true,
        lock,
      },
      child,
    );
    // Every service sends its logs and metrics to the platform workspace.
    const diagnosticSettings = { workspaceId: monitoring.workspaceId };

    const net = new Network(
      `${name}-net`,
      {
        ...placement,
        diagnosticSettings,
        // A Standard NAT gateway lives in one zone: pin it (and say so) rather than let Azure pick none.
        natGatewayZone: zoneRedundant ? "1" : undefined,
        addressSpace: args.addressSpace,
      },
      child,
    );
    const zones = new PrivateDnsZones(
      `${name}-dns`,
      { resourceGroupName: rg.name, virtualNetworkId: net.vnetId, tags },
      child,
    );
    const endpoint = (service: keyof PrivateDnsZones["zoneIds"]) => ({
      subnetId: net.subnetIds.privateEndpoints,
      privateDnsZoneId: zones.zoneIds[service],
    });
    const stateful = { diagnosticSettings, lock };

    const registryPrivate = args.registryPrivate ?? true;
    const registry = new ContainerRegistry(
      `${name}-acr`,
      {
        ...placement,
        ...stateful,
        zoneRedundant,
        allowPublicNetworkAccess: !registryPrivate,
        // A public registry still denies by default; it admits the deployer's egress (the API server's
        // authorized ranges), so `docker` builds can push from there.
        allowedIpRanges: registryPrivate ? undefined : (args.cluster.apiServer.authorizedIpRanges ?? []),
        privateEndpoint: endpoint("registry"),
        // The deployer pushes with Entra (docker mode); ACR Tasks push with the registry's own token.
        ...(args.images?.mode === "docker"
          ? {
              roleAssignments: [
                {
                  roleDefinitionIdOrName: "AcrPush",
                  principalId: deployer.objectId,
                  principalType: deployerPrincipalType,
                },
              ],
            }
          : {}),
      },
      child,
    );
    const store = new ModelStore(
      `${name}-models`,
      { ...placement, ...stateful, zoneRedundant, privateEndpoint: endpoint("blob") },
      child,
    );
    const vault = new KeyVault(
      `${name}-kv`,
      { ...placement, ...stateful, tenantId: deployer.tenantId, privateEndpoint: endpoint("keyVault") },
      child,
    );

    const vnetIntegration = args.cluster.apiServer.vnetIntegration ?? true;
    const cluster = new AksCluster(
      `${name}-aks`,
      {
        ...placement,
        diagnosticSettings,
        zoneRedundant,
        apiServer: args.cluster.apiServer,
        systemSubnetId: net.subnetIds.system,
        cpuSubnetId: net.subnetIds.cpu,
        nodeEgressIpAddress: net.egressIpAddress,
        rbacPropagationSeconds: args.rbacPropagationSeconds,
        ...(args.gpu === undefined
          ? {}
          : {
              gpuPool: {
                vmSize: args.gpu.vmSize,
                subnetId: net.subnetIds.gpu,
                minCount: args.gpu.minNodes,
                maxCount: args.gpu.maxNodes,
                spot: args.gpu.spot ?? false,
                tags,
                migProfile: args.gpu.migProfile,
              },
            }),
        apiServerSubnetId: vnetIntegration ? net.subnetIds.apiServer : undefined,
        workspaceId: monitoring.workspaceId,
        defenderWorkspaceId: monitoring.defenderWorkspaceId as pulumi.Output<string>,
        containerRegistryId: registry.registryId,
        kubernetesVersion: args.cluster.kubernetesVersion,
        skuTier: args.cluster.skuTier,
        systemPool: {
          vmSize: args.cluster.systemVmSize,
          minCount: args.cluster.systemNodes?.min,
          maxCount: args.cluster.systemNodes?.max,
        },
        adminGroupObjectIds: args.cluster.adminGroupObjectIds ?? [],
        // The deployer applies the workloads with its Entra identity (local accounts are disabled).
        ...(args.workloads === undefined
          ? {}
          : {
              roleAssignments: [
                {
                  roleDefinitionIdOrName: "Azure Kubernetes Service RBAC Cluster Admin",
                  principalId: deployer.objectId,
                  principalType: deployerPrincipalType,
                },
              ],
            }),
      },
      child,
    );

    const gpuPool = cluster.gpuPool;

    const identities =
      args.workloads === undefined
        ? undefined
        : workloadIdentities(
            name,
            {
              ...placement,
              oidcIssuerUrl: cluster.oidcIssuerUrl,
              modelStoreId: store.accountId,
              keyVaultId: vault.vaultId,
              appInsightsId: monitoring.appInsightsId,
              console: args.workloads.console !== undefined,
              pipeline: args.workloads.pipeline !== undefined,
            },
            child,
          );

    const cosmos = new CosmosDb(
      `${name}-cosmos`,
      {
        ...placement,
        ...stateful,
        zoneRedundant: args.cosmosZoneRedundant ?? false,
        backupTier: args.cosmosBackupTier ?? "Continuous30Days",
        privateEndpoint: endpoint("cosmos"),
        // The registry (models container) is written by inference too (alias reads, audit), so both contribute.
        dataPlaneRoleAssignments:
          identities === undefined
            ? []
            : [
                { principalId: identities.inference.principalId, role: "contributor" },
                { principalId: identities.training.principalId, role: "contributor" },
                // The console moves aliases for operators (gated promotion, rollback) and records them in the audit.
                ...(identities.console === undefined
                  ? []
                  : [{ principalId: identities.console.principalId, role: "contributor" as const }]),
                // The pipeline controller trains (datasets, versions) and moves aliases and traffic splits.
                ...(identities.pipeline === undefined
                  ? []
                  : [{ principalId: identities.pipeline.principalId, role: "contributor" as const }]),
              ],
      },
      child,
    );

    new BaselineAlerts(
      `${name}-alerts`,
      {
        resourceGroupName: rg.name,
        actionGroupId: monitoring.actionGroupId,
        tags,
        cosmosAccountId: cosmos.accountId,
        keyVaultId: vault.vaultId,
        aksClusterId: cluster.clusterId,
      },
      child,
    );
    if (args.workloads?.pipeline !== undefined)
      new PipelineAlerts(
        `${name}-pipeline-alerts`,
        {
          ...placement,
          azureMonitorWorkspaceId: cluster.azureMonitorWorkspaceId,
          clusterName: cluster.clusterName,
          actionGroupId: monitoring.actionGroupId,
        },
        child,
      );

    let images: PlatformImages | undefined;
    if (args.images !== undefined) {
      // docker mode pushes with the deployer's fresh AcrPush grant: let it propagate first.
      const pushReady =
        args.images.mode === "docker"
          ? [
              new PropagationWait(
                `${name}-push-grant-wait`,
                { seconds: args.rbacPropagationSeconds, triggers: [registry.registryId] },
                { parent: this, dependsOn: [registry] },
              ),
            ]
          : [];
      const built = {
        registry: { name: registry.registryName, resourceGroupName: rg.name, loginServer: registry.loginServer },
        inferenceDevice: args.workloads?.inferenceDevice ?? "cpu",
        console: args.workloads?.console !== undefined,
        pipeline: args.workloads?.pipeline !== undefined,
      } as const;
      const imageArgs: PlatformImagesArgs =
        args.images.mode === "docker"
          ? { ...args.images, ...built, tenantId: deployer.tenantId }
          : {
              ...args.images,
              ...built,
              // A private registry is out of reach of ACR's shared agents: build on a pool inside the VNet.
              agentPool: registryPrivate ? { subnetId: net.subnetIds.agents, location: args.location } : undefined,
            };
      images = new PlatformImages(`${name}-images`, imageArgs, { parent: this, dependsOn: [registry, ...pushReady] });
    }

    let workloads: PlatformWorkloads | undefined;
    if (args.workloads !== undefined && images !== undefined && identities !== undefined) {
      workloads = new PlatformWorkloads(
        `${name}-workloads`,
        {
          kubeconfig: cluster.kubeconfig,
          tenantId: deployer.tenantId,
          connection: {
            cosmosEndpoint: cosmos.endpoint,
            blobEndpoint: store.blobEndpoint,
            applicationInsightsConnectionString: monitoring.appInsightsConnectionString,
          },
          images: { inference: images.inferenceImage, training: images.trainingImage },
          identityClientIds: { inference: identities.inference.clientId, training: identities.training.clientId },
          inferenceDevice: args.workloads.inferenceDevice,
          inferenceModels: args.workloads.inferenceModels,
          inferenceReplicas: args.workloads.inferenceReplicas,
          gpuNodeSelector: gpuPool?.nodeSelector,
          trainingSchedule: args.workloads.trainingSchedule,
          demoBootstrap: args.workloads.demoBootstrap ?? false,
          ...(args.workloads.console === undefined ||
          identities.console === undefined ||
          images.consoleImage === undefined
            ? {}
            : {
                console: {
                  ...args.workloads.console,
                  image: images.consoleImage,
                  identityClientId: identities.console.clientId,
                },
              }),
          ...(args.workloads.pipeline === undefined ||
          identities.pipeline === undefined ||
          images.pipelineImage === undefined
            ? {}
            : {
                pipeline: {
                  ...args.workloads.pipeline,
                  image: images.pipelineImage,
                  identityClientId: identities.pipeline.clientId,
                },
              }),
        },
        // The deployer's cluster-admin grant must have propagated before the first Kubernetes call.
        {
          parent: this,
          dependsOn: gpuPool === undefined ? [cluster, cluster.accessReady] : [cluster, cluster.accessReady, gpuPool],
        },
      );
    }

    this.resourceGroupName = rg.name;
    this.vnetId = net.vnetId;
    this.cosmosEndpoint = cosmos.endpoint;
    this.blobEndpoint = store.blobEndpoint;
    this.registryLoginServer = registry.loginServer;
    this.keyVaultUri = vault.vaultUri;
    this.clusterName = cluster.clusterName;
    this.clusterId = cluster.clusterId;
    this.apiServerFqdn = cluster.apiServerFqdn;
    this.oidcIssuerUrl = cluster.oidcIssuerUrl;
    this.kubeconfig = cluster.kubeconfig;
    this.logAnalyticsWorkspaceId = monitoring.workspaceId;
    if (workloads !== undefined) this.inferenceUrl = workloads.inferenceUrl;
    if (images !== undefined) {
      this.inferenceImage = images.inferenceImage;
      this.trainingImage = images.trainingImage;
    }
    this.registerOutputs({
      resourceGroupName: this.resourceGroupName,
      vnetId: this.vnetId,
      cosmosEndpoint: this.cosmosEndpoint,
      blobEndpoint: this.blobEndpoint,
      registryLoginServer: this.registryLoginServer,
      keyVaultUri: this.keyVaultUri,
      inferenceImage: this.inferenceImage,
      trainingImage: this.trainingImage,
      clusterName: this.clusterName,
      clusterId: this.clusterId,
      apiServerFqdn: this.apiServerFqdn,
      oidcIssuerUrl: this.oidcIssuerUrl,
      logAnalyticsWorkspaceId: this.logAnalyticsWorkspaceId,
      inferenceUrl: this.inferenceUrl,
    });
  }
}
