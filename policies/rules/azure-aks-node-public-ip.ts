import { multiTypeRule } from "../lib/define";
import { POOL_TYPES, poolsOf } from "../lib/pools";

/** Nodes get no public IP addresses. */
export const azureAksNodePublicIp = multiTypeRule(
  {
    name: "azure-aks-node-public-ip",
    description:
      "AKS node pools must not assign public IP addresses to nodes. Nodes stay reachable only inside the virtual network and egress goes through the cluster's outbound path.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps: "Remove `enableNodePublicIP: true` from the pool (the default is false).",
    controls: [
      { source: "checkov", id: "CKV_AZURE_143", title: "Ensure AKS cluster nodes do not have public IP addresses" },
    ],
  },
  POOL_TYPES,
  (props, report, _config, args) => {
    for (const { label, pool } of poolsOf(args.type, props))
      if (pool.enableNodePublicIP === true)
        report(`${label} sets enableNodePublicIP: true.`, "set `enableNodePublicIP: false`.");
  },
);
