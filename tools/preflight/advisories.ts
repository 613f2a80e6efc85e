/**
 * Advisories: what Azure itself limits and the program cannot check offline (capacity, quota, a provider's
 * long-running-operation bug). Reported with every plan and preflight, never a failure: each names the
 * setting that avoids it and the fallback.
 */
import type { PlanResult, PlannedResource } from "../plan/types";
import { gpusPerNode } from "../../components/gpu-sizes";
import { keyOf } from "./types";

/** One advisory. */
export interface Advisory {
  resource: string;
  note: string;
  source: string;
  fallback: string;
}

const of = (plan: PlanResult, type: string): PlannedResource[] => plan.resources.filter((r) => r.type === type);

/** The advisories of a plan. Pure. */
export function advisories(plan: PlanResult): Advisory[] {
  const out: Advisory[] = [];
  for (const run of of(plan, "azure-native:containerregistry:TaskRun"))
    out.push({
      resource: keyOf(run),
      note: "ACR Tasks runs are long-running operations whose status URL has been malformed by the service (polling 404s); not reproduced on this provider version, but unverified",
      source: "https://github.com/pulumi/pulumi-azure-native/issues/1713",
      fallback:
        "if `pulumi up` fails polling the run, `pulumi refresh` then `pulumi up` again (the run finished server-side), or set imageBuildMode=docker from a runner inside the VNet",
    });
  for (const account of of(plan, "azure-native:cosmosdb:DatabaseAccount")) {
    const zonal = ((account.inputs.locations as { isZoneRedundant?: boolean }[] | undefined) ?? []).some(
      (l) => l.isZoneRedundant === true,
    );
    if (zonal)
      out.push({
        resource: keyOf(account),
        note: "zone-redundant Cosmos DB accounts are capacity-restricted in several regions: creation fails with ServiceUnavailable until the subscription is granted zonal access",
        source: "https://aka.ms/cosmosdbquota",
        fallback: "request zonal access first, or set cosmosZoneRedundant=false (the default)",
      });
  }
  for (const pool of of(plan, "azure-native:containerservice:AgentPool").filter((p) =>
    String(p.inputs.vmSize ?? "").startsWith("Standard_N"),
  )) {
    const vmSize = String(pool.inputs.vmSize);
    out.push({
      resource: keyOf(pool),
      note: `GPU quota: ${vmSize} × ${String(pool.inputs.maxCount)} needs ${gpusPerNode(vmSize) * Number(pool.inputs.maxCount ?? 0)} GPUs of its VM family's regional vCPU quota, often 0 by default; the pool is created at min 0, so the shortfall shows only when a GPU pod stays Pending`,
      source: "https://learn.microsoft.com/azure/quotas/per-vm-quota-requests",
      fallback: "request the family quota in the region before deploying, or lower gpuMaxNodes",
    });
    const zones = (pool.inputs.availabilityZones as string[] | undefined) ?? [];
    if (zones.length > 0)
      out.push({
        resource: keyOf(pool),
        note: `${vmSize} is pinned to zones ${zones.join(", ")}; GPU sizes are often offered in only some zones of a region, and pool creation fails where one is missing`,
        source: "https://learn.microsoft.com/azure/virtual-machines/availability-zones-overview",
        fallback: `check \`az vm list-skus --location <region> --size ${vmSize} --zone -o table\` and pick a size or region offered in those zones, or pass the offered zones as the GPU pool's availabilityZones (AksCluster gpuPool)`,
      });
  }
  for (const cluster of of(plan, "azure-native:containerservice:ManagedCluster")) {
    if (
      (cluster.inputs.apiServerAccessProfile as { enableVnetIntegration?: boolean } | undefined)
        ?.enableVnetIntegration === true
    )
      out.push({
        resource: keyOf(cluster),
        note: "API server VNet integration has limited capacity in some regions",
        source: "https://learn.microsoft.com/azure/aks/api-server-vnet-integration",
        fallback:
          "if cluster creation reports capacity, pick another region or set clusterApiServerVnetIntegration=false with the NAT egress authorized",
      });
  }
  return out;
}

/** The advisories as text. */
export function renderAdvisories(list: readonly Advisory[]): string {
  return list.map((a) => `- ${a.resource}: ${a.note} (${a.source})\n  fallback: ${a.fallback}`).join("\n");
}
