import * as containerservice from "@pulumi/azure-native/containerservice";
import { resourceRule } from "../lib/define";
import { inListI, show } from "../lib/strings";

/** NetworkPolicy objects are enforced. */
export const azureAksNetworkPolicy = resourceRule(
  {
    name: "azure-aks-network-policy",
    description:
      "AKS clusters must run a network policy engine. Without one, the platform's default-deny NetworkPolicy objects are silently ignored and every pod can reach every other pod.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps: 'Set `networkProfile.networkPolicy` to "azure", "calico" or "cilium".',
    controls: [{ source: "checkov", id: "CKV_AZURE_7", title: "Ensure AKS cluster has Network Policy configured" }],
    config: {
      allowedEngines: {
        type: "array",
        items: { type: "string" },
        default: ["azure", "calico", "cilium"],
        description: "Accepted `networkProfile.networkPolicy` values.",
      },
    },
  },
  containerservice.ManagedCluster,
  (props, report, config: { allowedEngines: string[] }) => {
    const policy = props.networkProfile?.networkPolicy;
    if (!inListI(policy, config.allowedEngines))
      report(
        `networkProfile.networkPolicy is ${show(policy)}.`,
        `set \`networkProfile.networkPolicy\` to one of ${config.allowedEngines.join(", ")}.`,
      );
  },
);
