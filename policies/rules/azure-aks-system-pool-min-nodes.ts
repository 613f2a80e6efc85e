import * as containerservice from "@pulumi/azure-native/containerservice";
import { resourceRule } from "../lib/define";
import { leastNodes } from "../lib/pools";
import { type Props } from "../lib/props";
import { eqi } from "../lib/strings";

/** System pods keep running through a node failure and an upgrade. */
export const azureAksSystemPoolMinNodes = resourceRule(
  {
    name: "azure-aks-system-pool-min-nodes",
    description:
      "The system node pools of an AKS cluster (inline `agentPoolProfiles` not in mode User) must keep at least `minNodes` nodes (default 3) between them, counting `minCount` when autoscaled, else `count`. Fewer nodes cannot keep CoreDNS and the other system pods available through a node failure or an upgrade. Reliability rule: mandatory in prod, advisory in dev.",
    severity: "medium",
    enforcementLevel: "advisory",
    exemptible: true,
    remediationSteps: "Raise the system pool's `minCount` (stack config `clusterSystemMinNodes`) to 3 or more.",
    controls: [
      { source: "psrule", id: "Azure.AKS.MinNodeCount", title: "Run at least three system nodes" },
      {
        source: "microsoft-learn",
        id: "aks-system-node-pools",
        title: "Manage system node pools in AKS (at least three nodes for production)",
      },
    ],
    config: { minNodes: { type: "integer", minimum: 1, default: 3, description: "Fewest system nodes." } },
  },
  containerservice.ManagedCluster,
  (props, report, config: { minNodes: number }) => {
    const pools: Props[] = props.agentPoolProfiles ?? [];
    const nodes = pools.filter((p) => !eqi(p.mode, "User")).reduce((sum, p) => sum + leastNodes(p), 0);
    if (nodes < config.minNodes)
      report(
        `the system pools keep at least ${nodes} node(s), fewer than ${config.minNodes}.`,
        `set the system pool's \`minCount\` to ${config.minNodes} or more.`,
      );
  },
);
