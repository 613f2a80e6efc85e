import { type PolicyResource } from "@pulumi/policy";
import { stackRule } from "../lib/define";
import { ofType, refersTo, safeRead } from "../lib/links";
import { type Props } from "../lib/props";

const CLUSTER = "azure-native:containerservice:ManagedCluster";
const POOL = "azure-native:containerservice:AgentPool";

/** `1.33` matches `1.33.2`: a pool pinned to a patch of the cluster's minor version is in step. */
function sameVersion(cluster: string, pool: string): boolean {
  return pool === cluster || pool.startsWith(`${cluster}.`) || cluster.startsWith(`${pool}.`);
}

function read(r: PolicyResource, key: string): unknown {
  return safeRead(() => (r.props as Props)[key] as unknown);
}

/** Node pools do not drift from the control plane's Kubernetes version. */
export const azureAksPoolVersion = stackRule(
  {
    name: "azure-aks-pool-version",
    description:
      "Node pools (inline and separate AgentPools) must run the cluster's Kubernetes version: an `orchestratorVersion` that differs from `kubernetesVersion` leaves nodes behind the control plane, outside the supported skew after the next upgrade. An unset version follows the cluster. Reliability rule: mandatory in prod, advisory in dev.",
    severity: "low",
    enforcementLevel: "advisory",
    exemptible: true,
    remediationSteps:
      "Remove `orchestratorVersion` from the pools (they follow the cluster) or set it to the cluster's version.",
    controls: [
      { source: "psrule", id: "Azure.AKS.PoolVersion", title: "Run node pools at the cluster's Kubernetes version" },
    ],
  },
  [CLUSTER, POOL],
  (args, report, _config, isExempt) => {
    const pools = ofType(args.resources, POOL);
    for (const cluster of ofType(args.resources, CLUSTER)) {
      const version = read(cluster, "kubernetesVersion");
      if (typeof version !== "string") continue;
      const inline = (read(cluster, "agentPoolProfiles") as Props[] | undefined) ?? [];
      if (!isExempt(cluster.name))
        for (const p of inline) {
          const v = safeRead(() => p.orchestratorVersion as unknown);
          if (typeof v === "string" && !sameVersion(version, v))
            report(
              cluster.urn,
              `agent pool ${String(safeRead(() => p.name as unknown))} runs ${v}, the cluster ${version}.`,
              "remove the pool's `orchestratorVersion` or set it to the cluster's version.",
            );
        }
      for (const pool of pools.filter((p) => !isExempt(p.name) && refersTo(p, "resourceName", cluster))) {
        const v = read(pool, "orchestratorVersion");
        if (typeof v === "string" && !sameVersion(version, v))
          report(
            pool.urn,
            `${pool.name} runs ${v}, its cluster ${cluster.name} ${version}.`,
            "remove the pool's `orchestratorVersion` or set it to the cluster's version.",
          );
      }
    }
  },
);
