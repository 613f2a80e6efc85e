import { multiTypeRule } from "../lib/define";
import { leastNodes, POOL_TYPES, poolsOf } from "../lib/pools";
import { eqi } from "../lib/strings";

/** Workloads on a user pool survive a node failure and a rolling upgrade. */
export const azureAksUserPoolMinNodes = multiTypeRule(
  {
    name: "azure-aks-user-pool-min-nodes",
    description:
      "Every user node pool must keep at least `minNodes` nodes (default 3; `minCount` when autoscaled, else `count`). Spot pools are skipped, as they can lose every node at once anyway. A pool that scales from zero on purpose (GPU) needs an exemption with its reason. Reliability rule: mandatory in prod, advisory in dev.",
    severity: "medium",
    enforcementLevel: "advisory",
    exemptible: true,
    remediationSteps:
      "Raise the pool's `minCount` to 3, or exempt the pool by name in the environment's policy config with the reason (for example a GPU pool that scales from zero).",
    controls: [
      { source: "psrule", id: "Azure.AKS.MinUserPoolNodes", title: "Run at least three nodes in each user pool" },
    ],
    config: { minNodes: { type: "integer", minimum: 1, default: 3, description: "Fewest nodes per user pool." } },
  },
  POOL_TYPES,
  (props, report, config: { minNodes: number }, args) => {
    for (const { label, pool } of poolsOf(args.type, props)) {
      // Separate AgentPools default to mode User; inline profiles to System.
      const user = args.type === POOL_TYPES[1] ? !eqi(pool.mode, "System") : eqi(pool.mode, "User");
      if (!user || eqi(pool.scaleSetPriority, "Spot")) continue;
      const nodes = leastNodes(pool);
      if (nodes < config.minNodes)
        report(
          `${label} keeps at least ${nodes} node(s), fewer than ${config.minNodes}.`,
          `set \`minCount\` to ${config.minNodes} or more, or exempt the pool with a reason.`,
        );
    }
  },
);
