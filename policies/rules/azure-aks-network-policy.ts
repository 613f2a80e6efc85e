import * as containerservice from "@pulumi/azure-native/containerservice";
import { resourceRule } from "../lib/define";
import { inListI, show } from "../lib/strings";

/** NetworkPolicy objects are enforced. */
export const azureAksNetworkPolicy = resourceRule(
  {
    name: "azure-aks-network-policy",
    description:
      "AKS clusters must run a network policy engine. Without one, the platform's default-deny NetworkPolicy objects are silently ignored and every pod can reach every other pod. Deliberately wider than PSRule's Azure.AKS.NetworkPolicy, which accepts only `azure`: `cilium` (Azure CNI powered by Cilium, the platform's default) and `calico` enforce the same NetworkPolicy objects.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps: 'Set `networkProfile.networkPolicy` to "azure", "calico" or "cilium".',
    controls: [
      { source: "checkov", id: "CKV_AZURE_7", title: "Ensure AKS cluster has Network Policy configured" },
      { source: "psrule", id: "Azure.AKS.NetworkPolicy", title: "Enable network policies" },
    ],
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
