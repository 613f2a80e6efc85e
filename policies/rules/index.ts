/**
 * Every rule of the platform's policy pack, in the order the pack reports them. Tests and the offline
 * check import this list; only `policies/index.ts` turns it into a running `PolicyPack`.
 */
import { type PlatformPolicy } from "../lib/metadata";
import { azureAcrAdminUserDisabled } from "./azure-acr-admin-user-disabled";
import { azureAcrAnonymousPullDisabled } from "./azure-acr-anonymous-pull-disabled";
import { azureAcrExportDisabled } from "./azure-acr-export-disabled";
import { azureAcrPremiumSku } from "./azure-acr-premium-sku";
import { azureAcrPublicNetworkDisabled } from "./azure-acr-public-network-disabled";
import { azureAksApiServerRestricted } from "./azure-aks-api-server-restricted";
import { azureAksAuditLogs } from "./azure-aks-audit-logs";
import { azureAksAutoUpgrade } from "./azure-aks-auto-upgrade";
import { azureAksAvailabilityZones } from "./azure-aks-availability-zones";
import { azureAksAzurePolicyAddon } from "./azure-aks-azure-policy-addon";
import { azureAksDefender } from "./azure-aks-defender";
import { azureAksEntraIntegration } from "./azure-aks-entra-integration";
import { azureAksGpuPoolTainted } from "./azure-aks-gpu-pool-tainted";
import { azureAksGpuVmSizeAllowed } from "./azure-aks-gpu-vm-size-allowed";
import { azureAksHttpAppRoutingDisabled } from "./azure-aks-http-app-routing-disabled";
import { azureAksLocalAccountsDisabled } from "./azure-aks-local-accounts-disabled";
import { azureAksMaintenanceWindow } from "./azure-aks-maintenance-window";
import { azureAksManagedIdentity } from "./azure-aks-managed-identity";
import { azureAksNetworkPolicy } from "./azure-aks-network-policy";
import { azureAksNodePublicIp } from "./azure-aks-node-public-ip";
import { azureAksPoolVersion } from "./azure-aks-pool-version";
import { azureAksRbacEnabled } from "./azure-aks-rbac-enabled";
import { azureAksSecretRotation } from "./azure-aks-secret-rotation";
import { azureAksSecretStore } from "./azure-aks-secret-store";
import { azureAksSystemPoolMinNodes } from "./azure-aks-system-pool-min-nodes";
import { azureAksUptimeSla } from "./azure-aks-uptime-sla";
import { azureAksUserPoolMinNodes } from "./azure-aks-user-pool-min-nodes";
import { azureAksVersion } from "./azure-aks-version";
import { azureAksWorkloadIdentity } from "./azure-aks-workload-identity";
import { azureAllowedLocations } from "./azure-allowed-locations";
import { azureAppinsightsLocalAuthDisabled } from "./azure-appinsights-local-auth-disabled";
import { azureCosmosContinuousBackup } from "./azure-cosmos-continuous-backup";
import { azureCosmosLocalAuthDisabled } from "./azure-cosmos-local-auth-disabled";
import { azureCosmosMetadataWriteDisabled } from "./azure-cosmos-metadata-write-disabled";
import { azureCosmosMinTls12 } from "./azure-cosmos-min-tls12";
import { azureCosmosNoFreeTier } from "./azure-cosmos-no-free-tier";
import { azureCosmosPublicNetworkDisabled } from "./azure-cosmos-public-network-disabled";
import { azureDiagnosticSettingsRequired } from "./azure-diagnostic-settings-required";
import { azureKvAuditLogs } from "./azure-kv-audit-logs";
import { azureKvNetworkDeny } from "./azure-kv-network-deny";
import { azureKvPurgeProtection } from "./azure-kv-purge-protection";
import { azureKvRbac } from "./azure-kv-rbac";
import { azureKvSoftDelete } from "./azure-kv-soft-delete";
import { azureLogReplication } from "./azure-log-replication";
import { azureNsgLateralTraversal } from "./azure-nsg-lateral-traversal";
import { azureNsgNoAnyInboundSource } from "./azure-nsg-no-any-inbound-source";
import { azureNsgNoDenyAllInbound } from "./azure-nsg-no-deny-all-inbound";
import { azurePrivateEndpointWiring } from "./azure-private-endpoint-wiring";
import { azurePublicIpStandardSku } from "./azure-public-ip-standard-sku";
import { azurePublicIpZoneRedundant } from "./azure-public-ip-zone-redundant";
import { azureRequiredTags } from "./azure-required-tags";
import { azureStorageBlobSoftDelete } from "./azure-storage-blob-soft-delete";
import { azureStorageContainerPrivate } from "./azure-storage-container-private";
import { azureStorageContainerSoftDelete } from "./azure-storage-container-soft-delete";
import { azureStorageHttpsOnly } from "./azure-storage-https-only";
import { azureStorageMinTls12 } from "./azure-storage-min-tls12";
import { azureStorageNetworkDeny } from "./azure-storage-network-deny";
import { azureStorageNoBlobPublicAccess } from "./azure-storage-no-blob-public-access";
import { azureStorageNoSharedKey } from "./azure-storage-no-shared-key";
import { azureStorageReplication } from "./azure-storage-replication";
import { azureVnetPrivateSubnet } from "./azure-vnet-private-subnet";
import { azureVnetSubnetNsg } from "./azure-vnet-subnet-nsg";
import { k8sDropAllCapabilities } from "./k8s-drop-all-capabilities";
import { k8sGpuRequestRequiresToleration } from "./k8s-gpu-request-requires-toleration";
import { k8sImageNoLatest } from "./k8s-image-no-latest";
import { k8sImagesFromAllowedRegistries } from "./k8s-images-from-allowed-registries";
import { k8sNoDefaultNamespace } from "./k8s-no-default-namespace";
import { k8sNoHostAccess } from "./k8s-no-host-access";
import { k8sNoPrivilegeEscalation } from "./k8s-no-privilege-escalation";
import { k8sNoPrivileged } from "./k8s-no-privileged";
import { k8sProbes } from "./k8s-probes";
import { k8sReadOnlyRootFs } from "./k8s-read-only-root-fs";
import { k8sResourceLimits } from "./k8s-resource-limits";
import { k8sRunAsNonRoot } from "./k8s-run-as-non-root";
import { k8sSeccompRuntimeDefault } from "./k8s-seccomp-runtime-default";
import { k8sServiceNotPublic } from "./k8s-service-not-public";

/** All rules, Azure first, then Kubernetes. */
export const rules: readonly PlatformPolicy[] = [
  azureAcrAdminUserDisabled,
  azureAcrAnonymousPullDisabled,
  azureAcrExportDisabled,
  azureAcrPremiumSku,
  azureAcrPublicNetworkDisabled,
  azureAksApiServerRestricted,
  azureAksAuditLogs,
  azureAksAutoUpgrade,
  azureAksAvailabilityZones,
  azureAksAzurePolicyAddon,
  azureAksDefender,
  azureAksEntraIntegration,
  azureAksGpuPoolTainted,
  azureAksGpuVmSizeAllowed,
  azureAksHttpAppRoutingDisabled,
  azureAksLocalAccountsDisabled,
  azureAksMaintenanceWindow,
  azureAksManagedIdentity,
  azureAksNetworkPolicy,
  azureAksNodePublicIp,
  azureAksPoolVersion,
  azureAksRbacEnabled,
  azureAksSecretRotation,
  azureAksSecretStore,
  azureAksSystemPoolMinNodes,
  azureAksUptimeSla,
  azureAksUserPoolMinNodes,
  azureAksVersion,
  azureAksWorkloadIdentity,
  azureAllowedLocations,
  azureAppinsightsLocalAuthDisabled,
  azureCosmosContinuousBackup,
  azureCosmosLocalAuthDisabled,
  azureCosmosMetadataWriteDisabled,
  azureCosmosMinTls12,
  azureCosmosNoFreeTier,
  azureCosmosPublicNetworkDisabled,
  azureDiagnosticSettingsRequired,
  azureKvAuditLogs,
  azureKvNetworkDeny,
  azureKvPurgeProtection,
  azureKvRbac,
  azureKvSoftDelete,
  azureLogReplication,
  azureNsgLateralTraversal,
  azureNsgNoAnyInboundSource,
  azureNsgNoDenyAllInbound,
  azurePrivateEndpointWiring,
  azurePublicIpStandardSku,
  azurePublicIpZoneRedundant,
  azureRequiredTags,
  azureStorageBlobSoftDelete,
  azureStorageContainerPrivate,
  azureStorageContainerSoftDelete,
  azureStorageHttpsOnly,
  azureStorageMinTls12,
  azureStorageNetworkDeny,
  azureStorageNoBlobPublicAccess,
  azureStorageNoSharedKey,
  azureStorageReplication,
  azureVnetPrivateSubnet,
  azureVnetSubnetNsg,
  k8sDropAllCapabilities,
  k8sGpuRequestRequiresToleration,
  k8sImageNoLatest,
  k8sImagesFromAllowedRegistries,
  k8sNoDefaultNamespace,
  k8sNoHostAccess,
  k8sNoPrivilegeEscalation,
  k8sNoPrivileged,
  k8sProbes,
  k8sReadOnlyRootFs,
  k8sResourceLimits,
  k8sRunAsNonRoot,
  k8sSeccompRuntimeDefault,
  k8sServiceNotPublic,
];

export { TAGGABLE_TYPES } from "./azure-required-tags";
export { PRIVATE_LINK_SERVICES } from "./azure-private-endpoint-wiring";
