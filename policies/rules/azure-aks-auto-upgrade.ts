import * as containerservice from "@pulumi/azure-native/containerservice";
import { resourceRule } from "../lib/define";
import { inListI, show } from "../lib/strings";

/** Kubernetes and node images receive patches automatically. */
export const azureAksAutoUpgrade = resourceRule(
  {
    name: "azure-aks-auto-upgrade",
    description:
      "AKS clusters should enable an automatic upgrade channel for Kubernetes and for the node OS image. Unpatched nodes are the most common finding on long-lived clusters.",
    severity: "medium",
    enforcementLevel: "advisory",
    exemptible: true,
    remediationSteps:
      'Set `autoUpgradeProfile: { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" }` with a maintenance window.',
    controls: [
      {
        source: "azure-policy",
        id: "5c345cdf",
        title: "Azure Kubernetes Service Clusters should enable cluster auto-upgrade",
      },
      {
        source: "azure-policy",
        id: "04408ca5",
        title: "Azure Kubernetes Service Clusters should enable node os auto-upgrade",
      },
      { source: "checkov", id: "CKV_AZURE_171", title: "Ensure AKS cluster upgrade channel is chosen" },
      { source: "psrule", id: "Azure.AKS.AutoUpgrade", title: "Upgrade clusters automatically to supported versions" },
      { source: "psrule", id: "Azure.AKS.NodeAutoUpgrade", title: "Configure a node OS auto-upgrade channel" },
    ],
    config: {
      allowedUpgradeChannels: { type: "array", items: { type: "string" }, default: ["rapid", "stable", "patch"] },
      allowedNodeOsChannels: { type: "array", items: { type: "string" }, default: ["NodeImage", "SecurityPatch"] },
    },
  },
  containerservice.ManagedCluster,
  (props, report, config: { allowedUpgradeChannels: string[]; allowedNodeOsChannels: string[] }) => {
    const p = props.autoUpgradeProfile;
    if (!inListI(p?.upgradeChannel, config.allowedUpgradeChannels))
      report(
        `autoUpgradeProfile.upgradeChannel is ${show(p?.upgradeChannel)}.`,
        `use one of ${config.allowedUpgradeChannels.join(", ")}.`,
      );
    if (!inListI(p?.nodeOSUpgradeChannel, config.allowedNodeOsChannels))
      report(
        `autoUpgradeProfile.nodeOSUpgradeChannel is ${show(p?.nodeOSUpgradeChannel)}.`,
        `use one of ${config.allowedNodeOsChannels.join(", ")}.`,
      );
  },
);
