import * as containerservice from "@pulumi/azure-native/containerservice";
import { resourceRule } from "../lib/define";

/** The Kubernetes API server is private or limited to authorised address ranges. */
export const azureAksApiServerRestricted = resourceRule(
  {
    name: "azure-aks-api-server-restricted",
    description:
      "AKS clusters must not expose the API server to the whole internet. Use a private cluster, or restrict the public endpoint to authorised IP ranges that do not include 0.0.0.0/0.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
      "Set `apiServerAccessProfile.enablePrivateCluster: true`, or list the deployer's ranges in `apiServerAccessProfile.authorizedIPRanges`.",
    controls: [
      {
        source: "azure-policy",
        id: "0e246bcf",
        title: "Authorized IP ranges should be defined on Kubernetes Services",
      },
      { source: "azure-policy", id: "040732e8", title: "Azure Kubernetes Service Private Clusters should be enabled" },
      { source: "checkov", id: "CKV_AZURE_6", title: "Ensure AKS has an API Server Authorized IP Ranges enabled" },
      { source: "checkov", id: "CKV_AZURE_115", title: "Ensure that AKS enables private clusters" },
      { source: "psrule", id: "Azure.AKS.AuthorizedIPs", title: "Restrict the API server to authorized IP ranges" },
    ],
    config: {
      requirePrivateCluster: {
        type: "boolean",
        default: false,
        description: "Require a private cluster; authorised ranges alone are then not enough.",
      },
    },
  },
  containerservice.ManagedCluster,
  (props, report, config: { requirePrivateCluster: boolean }) => {
    const access = props.apiServerAccessProfile;
    if (access?.enablePrivateCluster === true) return;
    if (config.requirePrivateCluster)
      return report(
        "apiServerAccessProfile.enablePrivateCluster is not true and this environment requires a private cluster.",
        "set `apiServerAccessProfile.enablePrivateCluster: true`.",
      );
    const ranges = access?.authorizedIPRanges ?? [];
    if (ranges.length === 0)
      return report(
        "the API server is public and apiServerAccessProfile.authorizedIPRanges is empty.",
        "set `enablePrivateCluster: true` or list the allowed ranges in `authorizedIPRanges`.",
      );
    const open = ranges.filter((r) => r === "0.0.0.0/0" || r === "0.0.0.0");
    if (open.length > 0)
      report(
        `apiServerAccessProfile.authorizedIPRanges contains ${open.join(", ")}, which allows the whole internet.`,
        "list only the deployer's address ranges.",
      );
  },
);
