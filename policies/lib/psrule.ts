/**
 * The PSRule for Azure rules of the Security and Reliability pillars that concern what the platform
 * deploys (GA rules, v1.45 plus the rules documented up to v1.47), and the ones that do not apply with
 * the reason. A rule of this pack covers a PSRule rule by listing it as a `psrule` control; the
 * coverage table in docs/policies.md is rendered from this list and the rules, and a test keeps the two
 * in step. Subscription-level rules (Defender plans, RBAC, policy, service health) and rules over ARM
 * or Bicep files are outside the comparison.
 */

/** A PSRule for Azure rule and whether the platform's resources can trip it. */
export interface PsRuleEntry {
  /** PSRule rule name, for example `Azure.AKS.Version`. */
  id: string;
  pillar: "Security" | "Reliability";
  /** PSRule's synopsis, shortened. */
  title: string;
  /** Why no rule of this pack is needed; absent for the applicable rules, which a pack rule must cover. */
  notApplicable?: string;
}

const sec = (id: string, title: string, notApplicable?: string): PsRuleEntry => ({
  id,
  pillar: "Security",
  title,
  ...(notApplicable === undefined ? {} : { notApplicable }),
});
const rel = (id: string, title: string, notApplicable?: string): PsRuleEntry => ({
  id,
  pillar: "Reliability",
  title,
  ...(notApplicable === undefined ? {} : { notApplicable }),
});

const LIVE = "Runs only against live resources exported from Azure (in-flight), never against a plan.";

/** Every PSRule rule compared, applicable ones first within each service. */
export const PSRULE_RULES: readonly PsRuleEntry[] = [
  sec("Azure.ACR.AdminUser", "Use Entra identities instead of the registry admin user."),
  sec("Azure.ACR.AnonymousAccess", "Disable anonymous pull access."),
  sec("Azure.ACR.ExportPolicy", "Disable exporting artifacts out of the registry."),
  sec("Azure.ACR.Firewall", "Limit network access of container registries to trusted clients."),
  sec("Azure.ACR.ReplicaLocation", "Keep registry replicas within allowed regions."),
  rel("Azure.ACR.MinSku", "Use the Premium or Standard SKU for production registries."),
  sec("Azure.ACR.ContainerScan", "Enable vulnerability scanning for container images.", LIVE),
  sec("Azure.ACR.ImageHealth", "Remove vulnerable container images.", LIVE),
  rel("Azure.ACR.GeoReplica", "Geo-replicate container images.", LIVE),
  sec("Azure.AKS.AuditLogs", "Collect kube-audit and guard logs."),
  sec("Azure.AKS.AuthorizedIPs", "Restrict the API server to authorized IP ranges."),
  sec("Azure.AKS.AutoUpgrade", "Upgrade clusters automatically to supported versions."),
  sec("Azure.AKS.AzurePolicyAddOn", "Use the Azure Policy add-on."),
  sec("Azure.AKS.AzureRBAC", "Use Azure RBAC for Kubernetes authorization."),
  sec("Azure.AKS.DefenderProfile", "Enable the Defender profile."),
  sec("Azure.AKS.HttpAppRouting", "Disable the HTTP application routing add-on."),
  sec("Azure.AKS.LocalAccounts", "Disable local accounts; use named identities."),
  sec("Azure.AKS.ManagedAAD", "Use AKS-managed Entra integration."),
  sec("Azure.AKS.ManagedIdentity", "Manage cluster infrastructure with a managed identity."),
  sec("Azure.AKS.NetworkPolicy", "Enable network policies."),
  sec("Azure.AKS.NodeAutoUpgrade", "Configure a node OS auto-upgrade channel."),
  sec("Azure.AKS.SecretStore", "Use the Secrets Store CSI driver with Key Vault."),
  sec("Azure.AKS.SecretStoreRotation", "Rotate Secrets Store CSI driver secrets automatically."),
  sec("Azure.AKS.UseRBAC", "Keep Kubernetes RBAC enabled."),
  rel("Azure.AKS.AvailabilityZone", "Spread node pools over availability zones."),
  rel("Azure.AKS.MaintenanceWindow", "Configure maintenance windows for both upgrade schedules."),
  rel("Azure.AKS.MinNodeCount", "Run at least three system nodes."),
  rel("Azure.AKS.MinUserPoolNodes", "Run at least three nodes in each user pool."),
  rel("Azure.AKS.PoolVersion", "Run node pools at the cluster's Kubernetes version."),
  rel("Azure.AKS.UptimeSLA", "Use the Standard tier (uptime SLA)."),
  rel("Azure.AKS.Version", "Run a current Kubernetes version."),
  rel(
    "Azure.AKS.CNISubnetSize",
    "Use large subnets with Azure CNI.",
    `${LIVE} The platform runs Azure CNI overlay, where pods do not take subnet addresses.`,
  ),
  sec("Azure.AppInsights.LocalAuth", "Disable local (instrumentation key) authentication."),
  sec("Azure.Cosmos.DisableLocalAuth", "Disable key-based authentication."),
  sec("Azure.Cosmos.DisableMetadataWrite", "Make management changes through Entra identities only."),
  sec("Azure.Cosmos.MinTLS", "Reject TLS versions older than 1.2."),
  sec("Azure.Cosmos.PublicAccess", "Disable public network access."),
  rel("Azure.Cosmos.ContinuousBackup", "Enable continuous backup."),
  rel("Azure.Cosmos.SLA", "Use a paid tier (the free tier has no SLA)."),
  sec(
    "Azure.Cosmos.DefenderCloud",
    "Enable Defender for Azure Cosmos DB per account.",
    "Off in PSRule's default configuration (AZURE_COSMOS_DEFENDER_PER_ACCOUNT); Defender plans are enabled per subscription, outside the platform.",
  ),
  sec(
    "Azure.DNS.DNSSEC",
    "Sign public DNS zones with DNSSEC.",
    "The platform creates private DNS zones only (Private Link); DNSSEC applies to public zones.",
  ),
  sec("Azure.KeyVault.AccessPolicy", "Limit access to Key Vault data."),
  sec("Azure.KeyVault.Firewall", "Accept only explicitly allowed traffic."),
  sec("Azure.KeyVault.Logs", "Send Key Vault audit logs to a workspace."),
  sec("Azure.KeyVault.RBAC", "Authorize the data plane with Azure RBAC."),
  rel("Azure.KeyVault.PurgeProtect", "Enable purge protection."),
  rel("Azure.KeyVault.SoftDelete", "Enable soft delete."),
  sec(
    "Azure.KeyVault.AutoRotationPolicy",
    "Rotate Key Vault keys automatically.",
    "The platform creates no Key Vault keys; workloads read secrets through the CSI driver.",
  ),
  rel("Azure.Log.Replication", "Replicate Log Analytics workspaces to a second region."),
  sec(
    "Azure.Log.ReplicaLocation",
    "Keep workspace replicas in allowed regions.",
    "Checks the replica location of a replicated workspace; azure-log-replication and azure-allowed-locations cover the platform's workspace.",
  ),
  sec("Azure.NSG.AnyInboundSource", "Avoid inbound rules that allow any source."),
  sec("Azure.NSG.LateralTraversal", "Deny outbound RDP and SSH within the virtual network."),
  rel("Azure.NSG.DenyAllInbound", "Do not deny all inbound traffic first."),
  rel("Azure.PublicIP.AvailabilityZone", "Make Standard public IPs zone-redundant."),
  rel("Azure.PublicIP.StandardSKU", "Use the Standard SKU for public IPs."),
  sec("Azure.PublicIP.IsAttached", "Attach or remove unused public IPs.", LIVE),
  sec("Azure.Resource.AllowedRegions", "Deploy to allowed regions only."),
  sec("Azure.Storage.BlobAccessType", "Keep blob containers private."),
  sec("Azure.Storage.BlobPublicAccess", "Disallow public access to blobs."),
  sec("Azure.Storage.Firewall", "Accept only explicitly allowed traffic."),
  sec("Azure.Storage.LocalAuth", "Disable shared key authorization."),
  sec("Azure.Storage.MinTLS", "Reject TLS versions older than 1.2."),
  sec("Azure.Storage.SecureTransfer", "Accept encrypted connections only."),
  rel("Azure.Storage.ContainerSoftDelete", "Enable container soft delete."),
  rel("Azure.Storage.SoftDelete", "Enable blob soft delete."),
  rel("Azure.Storage.UseReplication", "Use zone-redundant or geo-redundant replication."),
  sec(
    "Azure.Storage.DefenderCloud",
    "Enable Defender for Storage per account.",
    "Off in PSRule's default configuration (AZURE_STORAGE_DEFENDER_PER_ACCOUNT); Defender plans are enabled per subscription, outside the platform.",
  ),
  sec(
    "Azure.Storage.Defender.MalwareScan",
    "Enable malware scanning in Defender for Storage.",
    "PSRule runs it only on accounts with public network access; the platform's account is private in every stack (azure-storage-network-deny).",
  ),
  rel(
    "Azure.Storage.FileShareSoftDelete",
    "Enable soft delete for file shares.",
    "The platform creates no file shares (blob storage only).",
  ),
  sec("Azure.VNET.PrivateSubnet", "Disable default outbound access on subnets."),
  sec("Azure.VNET.UseNSGs", "Associate a network security group with every subnet."),
  sec(
    "Azure.VNET.FirewallSubnet",
    "Filter traffic with Azure Firewall.",
    "Applies to hub networks with a firewall subnet; the platform is a spoke whose egress leaves through a NAT gateway.",
  ),
  rel(
    "Azure.VNET.BastionSubnet",
    "Add a Bastion subnet next to a gateway subnet.",
    "The platform creates no gateway subnet.",
  ),
  rel("Azure.VNET.FirewallSubnetNAT", "Give zonal firewalls a NAT gateway.", "The platform creates no Azure Firewall."),
  rel(
    "Azure.VNET.LocalDNS",
    "Use Azure-provided DNS or local DNS servers.",
    `${LIVE} The platform sets no custom DNS servers.`,
  ),
  rel(
    "Azure.VNET.SingleDNS",
    "Assign at least two custom DNS servers.",
    "Applies only to networks with custom DNS servers; the platform uses Azure-provided DNS.",
  ),
];

/** The entries a pack rule must cover. */
export const APPLICABLE_PSRULE_RULES: readonly PsRuleEntry[] = PSRULE_RULES.filter(
  (r) => r.notApplicable === undefined,
);
