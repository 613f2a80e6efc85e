import { multiTypeRule } from "../lib/define";
import { POOL_TYPES, poolsOf } from "../lib/pools";
import { eqi } from "../lib/strings";

/** Every node pool survives the loss of one availability zone. */
export const azureAksAvailabilityZones = multiTypeRule(
  {
    name: "azure-aks-availability-zones",
    description:
      "Every scale-set node pool (inline in the cluster or a separate AgentPool) must be spread over availability zones (`availabilityZones`). A pool without zones loses all its nodes with one zone; zones cannot be added to an existing pool. Reliability rule: mandatory in prod, advisory in dev.",
    severity: "medium",
    enforcementLevel: "advisory",
    exemptible: true,
    remediationSteps:
      'Set `availabilityZones: ["1", "2", "3"]` on every pool (GPU sizes: the zones that offer the size), or exempt the pool with the reason.',
    controls: [
      { source: "psrule", id: "Azure.AKS.AvailabilityZone", title: "Spread node pools over availability zones" },
      {
        source: "microsoft-learn",
        id: "aks-availability-zones",
        title: "Create an AKS cluster that uses availability zones",
      },
    ],
  },
  POOL_TYPES,
  (props, report, _config, args) => {
    for (const { label, pool } of poolsOf(args.type, props)) {
      // Zones exist only for scale-set pools (the default type).
      if (pool.type !== undefined && !eqi(pool.type, "VirtualMachineScaleSets")) continue;
      const zones: unknown = pool.availabilityZones;
      if (!Array.isArray(zones) || zones.length === 0)
        report(`${label} sets no availabilityZones.`, 'set `availabilityZones: ["1", "2", "3"]`.');
    }
  },
);
