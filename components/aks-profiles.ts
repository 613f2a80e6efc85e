/**
 * Pure builders and checks for the AKS cluster: API-server exposure, node pools, add-ons, network profile,
 * maintenance windows and the diagnostic categories. No Pulumi resources: `aks-cluster.ts` wires them.
 */
import { parseCidr } from "./network-plan";

/** How the API server is reached. */
export interface ApiServerAccess {
  /**
   * `private`: a private cluster, reachable only from the VNet and peered networks.
   * `public`: a public FQDN that admits only `authorizedIpRanges`.
   */
  mode: "public" | "private";
  /** CIDRs admitted by a public API server. Required and non-empty with `public`; never a `/0`. Not allowed with `private`. */
  authorizedIpRanges?: readonly string[];
  /** Project the API server into the delegated API-server subnet (API-server VNet integration). Defaults to `true`. */
  vnetIntegration?: boolean;
}

/** A node pool's size and scale. */
export interface NodePoolScale {
  /** VM size. */
  vmSize: string;
  /** Fewest nodes the autoscaler keeps. */
  minCount: number;
  /** Most nodes the autoscaler adds. */
  maxCount: number;
}

/** A weekly maintenance window (UTC offset included). */
export interface MaintenanceWindow {
  /** Day of the week, for example `Sunday`. */
  dayOfWeek: "Sunday" | "Monday" | "Tuesday" | "Wednesday" | "Thursday" | "Friday" | "Saturday";
  /** Start, `HH:mm`. */
  startTime: string;
  /** Length in hours (at least 4, AKS's minimum). */
  durationHours: number;
  /** Offset from UTC, `+HH:mm` or `-HH:mm`. */
  utcOffset: string;
}

/** Sunday 00:00 UTC for four hours. */
export const defaultMaintenanceWindow: MaintenanceWindow = {
  dayOfWeek: "Sunday",
  startTime: "00:00",
  durationHours: 4,
  utcOffset: "+00:00",
};

/** Pod and service address ranges for Azure CNI overlay; neither may overlap the VNet or each other. */
export interface ClusterCidrs {
  podCidr: string;
  serviceCidr: string;
  dnsServiceIP: string;
}

/** The aks-baseline ranges: pods 192.168.0.0/16, services 172.16.0.0/16, DNS 172.16.0.10. */
export const defaultClusterCidrs: ClusterCidrs = {
  podCidr: "192.168.0.0/16",
  serviceCidr: "172.16.0.0/16",
  dnsServiceIP: "172.16.0.10",
};

/**
 * Control-plane logs for Log Analytics. Not `allLogs`: it includes `kube-audit`, every read in the cluster,
 * the largest and least useful cost. `kube-audit-admin` keeps the writes (aks-baseline, AVM waf-aligned).
 */
export const aksDiagnosticCategories: readonly string[] = [
  "kube-apiserver",
  "kube-audit-admin",
  "kube-controller-manager",
  "cluster-autoscaler",
  "guard",
];

/** The system pool's taint: only critical add-ons run there (aks-baseline). */
export const SYSTEM_POOL_TAINT = "CriticalAddonsOnly=true:NoSchedule";

/** What {@link validateAksArgs} checks. */
export interface AksValidationInput {
  apiServer: ApiServerAccess;
  apiServerSubnetId?: unknown;
  systemPool: NodePoolScale;
  cpuPool: NodePoolScale;
  cidrs: ClusterCidrs;
  maintenanceWindow: MaintenanceWindow;
}

function scaleErrors(field: string, scale: NodePoolScale, min: number): string[] {
  const errors: string[] = [];
  if (!Number.isInteger(scale.minCount) || scale.minCount < min)
    errors.push(`${field}.minCount (${scale.minCount}) must be a whole number of at least ${min}`);
  if (!Number.isInteger(scale.maxCount) || scale.maxCount < Math.max(scale.minCount, 1) || scale.maxCount > 1000) {
    errors.push(`${field}.maxCount (${scale.maxCount}) must be a whole number from max(1, minCount) to 1000`);
  }
  return errors;
}

function addressOf(ip: string): number | undefined {
  return parseCidr(`${ip}/32`)?.first;
}

/** Checks the cluster arguments; throws one error naming every bad field. Pure. */
export function validateAksArgs(name: string, input: AksValidationInput): void {
  const errors: string[] = [];
  const { apiServer, cidrs } = input;
  const ranges = apiServer.authorizedIpRanges ?? [];
  if (apiServer.mode === "public" && ranges.length === 0) {
    errors.push(
      "apiServer.authorizedIpRanges is empty: a public API server must admit only listed ranges (the deployer's egress, operators)",
    );
  }
  if (apiServer.mode === "private" && ranges.length > 0) {
    errors.push("apiServer.authorizedIpRanges applies to a public API server only; remove it or use mode public");
  }
  ranges.forEach((range, i) => {
    const parsed = parseCidr(range.includes("/") ? range : `${range}/32`);
    if (parsed === undefined) errors.push(`apiServer.authorizedIpRanges[${i}] ("${range}") is not an IPv4 CIDR`);
    else if (parsed.bits === 0)
      errors.push(`apiServer.authorizedIpRanges[${i}] (${range}) opens the API server to the whole internet`);
  });
  if ((apiServer.vnetIntegration ?? true) && input.apiServerSubnetId === undefined) {
    errors.push("apiServerSubnetId is required with apiServer.vnetIntegration (the default)");
  }
  errors.push(...scaleErrors("systemPool", input.systemPool, 1), ...scaleErrors("cpuPool", input.cpuPool, 0));

  const pods = parseCidr(cidrs.podCidr);
  const services = parseCidr(cidrs.serviceCidr);
  const dns = addressOf(cidrs.dnsServiceIP);
  if (pods === undefined) errors.push(`cidrs.podCidr ("${cidrs.podCidr}") is not an IPv4 CIDR`);
  if (services === undefined) errors.push(`cidrs.serviceCidr ("${cidrs.serviceCidr}") is not an IPv4 CIDR`);
  if (pods !== undefined && services !== undefined && pods.first <= services.last && services.first <= pods.last) {
    errors.push(`cidrs.podCidr (${cidrs.podCidr}) overlaps cidrs.serviceCidr (${cidrs.serviceCidr})`);
  }
  // The first address is the network's and the second the `kubernetes` service's.
  if (dns === undefined || (services !== undefined && (dns <= services.first + 1 || dns > services.last))) {
    errors.push(
      `cidrs.dnsServiceIP (${cidrs.dnsServiceIP}) must be an address inside cidrs.serviceCidr after its first two`,
    );
  }

  const window = input.maintenanceWindow;
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(window.startTime))
    errors.push(`maintenanceWindow.startTime ("${window.startTime}") must be HH:mm`);
  if (!Number.isInteger(window.durationHours) || window.durationHours < 4 || window.durationHours > 24) {
    errors.push(`maintenanceWindow.durationHours (${window.durationHours}) must be a whole number from 4 to 24`);
  }
  if (!/^[+-](0\d|1[0-4]):[0-5]\d$/.test(window.utcOffset))
    errors.push(`maintenanceWindow.utcOffset ("${window.utcOffset}") must be +HH:mm or -HH:mm`);
  if (errors.length > 0) throw new Error(`AksCluster ${name}: ${errors.join("; ")}`);
}

/**
 * `apiServerAccessProfile` of the cluster. Run command stays off unless allowed: it bypasses the API-server
 * exposure. `nodeEgressCidr` (the NAT egress of the nodes) joins the authorized ranges of a public API server.
 */
export function apiServerAccessProfile<S, E = string>(
  access: ApiServerAccess,
  apiServerSubnetId: S,
  allowRunCommand: boolean,
  nodeEgressCidr?: E,
) {
  const vnetIntegration = access.vnetIntegration ?? true;
  const isPrivate = access.mode === "private";
  return {
    enablePrivateCluster: isPrivate,
    // AKS creates and links privatelink.<region>.azmk8s.io in the node resource group.
    ...(isPrivate
      ? { privateDNSZone: "system", enablePrivateClusterPublicFQDN: false }
      : {
          authorizedIPRanges: [
            ...(access.authorizedIpRanges ?? []),
            ...(nodeEgressCidr === undefined ? [] : [nodeEgressCidr]),
          ],
        }),
    enableVnetIntegration: vnetIntegration,
    ...(vnetIntegration ? { subnetId: apiServerSubnetId } : {}),
    disableRunCommand: !allowRunCommand,
  };
}

/**
 * The add-ons: Azure Policy, the Key Vault Secrets Store CSI driver with rotation, Container Insights with
 * Entra (managed identity) auth. Everything else stays off by not being listed.
 */
export function addonProfiles<W>(workspaceId: W) {
  return {
    azurepolicy: { enabled: true, config: { version: "v2" } },
    azureKeyvaultSecretsProvider: {
      enabled: true,
      config: { enableSecretRotation: "true", rotationPollInterval: "2m" },
    },
    omsagent: { enabled: true, config: { logAnalyticsWorkspaceResourceID: workspaceId, useAADAuth: "true" } },
  };
}

/** The maintenance window in the API's shape. */
export function maintenanceWindowInput(window: MaintenanceWindow) {
  return {
    schedule: { weekly: { dayOfWeek: window.dayOfWeek, intervalWeeks: 1 } },
    durationHours: window.durationHours,
    startTime: window.startTime,
    utcOffset: window.utcOffset,
  };
}

/** A DNS prefix from a component name: 1-54 letters, digits and hyphens, starting and ending alphanumeric. Pure. */
export function dnsPrefixFor(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .replace(/-+/g, "-")
    .replace(/^[^a-z0-9]+/, "")
    .slice(0, 54)
    .replace(/-+$/, "");
  return cleaned === "" ? "aks" : cleaned;
}
