/**
 * Ordering: AKS runs one agent-pool operation per cluster at a time (`OperationNotAllowed: Another agentpool
 * operation … is in progress`), and maintenance configurations are cluster writes too, so every pool of a
 * cluster waits for the one before it and the maintenance configurations wait for all pools.
 */
import type { PlannedResource } from "../plan/types";
import { keyOf, type Finding, type PlanView } from "./types";

const SOURCE =
  "https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/create-upgrade-delete/operation-not-allowed-error";

function clusterName(r: PlannedResource): string {
  return String(r.inputs.resourceName ?? "");
}

/** The ordering rule class. */
export function orderingFindings(plan: PlanView): Finding[] {
  const findings: Finding[] = [];
  const byCluster = new Map<string, PlannedResource[]>();
  for (const pool of plan.ofType("azure-native:containerservice:AgentPool"))
    byCluster.set(clusterName(pool), [...(byCluster.get(clusterName(pool)) ?? []), pool]);
  for (const [cluster, pools] of byCluster) {
    for (let i = 0; i < pools.length; i++)
      for (let j = i + 1; j < pools.length; j++) {
        const [a, b] = [pools[i] as PlannedResource, pools[j] as PlannedResource];
        if (plan.waitsFor(keyOf(a)).has(keyOf(b)) || plan.waitsFor(keyOf(b)).has(keyOf(a))) continue;
        findings.push({
          resource: keyOf(b),
          rule: "ordering/agent-pools-serialized",
          why: `agent pools ${a.name} and ${b.name} of cluster ${cluster} are created concurrently: AKS rejects the second with OperationNotAllowed`,
          source: SOURCE,
          fix: `make ${b.name} depend on ${a.name}`,
        });
      }
    for (const config of plan
      .ofType("azure-native:containerservice:MaintenanceConfiguration")
      .filter((m) => clusterName(m) === cluster)) {
      const missing = pools.filter((p) => !plan.waitsFor(keyOf(config)).has(keyOf(p)));
      if (missing.length > 0)
        findings.push({
          resource: keyOf(config),
          rule: "ordering/maintenance-after-pools",
          why: `maintenance configuration ${config.name} may be written while ${missing.map((p) => p.name).join(", ")} is being created`,
          source: SOURCE,
          fix: "make maintenance configurations depend on every agent pool of the cluster",
        });
    }
  }
  return findings;
}
