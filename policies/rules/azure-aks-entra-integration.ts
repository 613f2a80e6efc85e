import * as containerservice from "@pulumi/azure-native/containerservice";
import { resourceRule } from "../lib/define";
import { show } from "../lib/strings";

/** Cluster users authenticate with Microsoft Entra ID and are authorised by Azure RBAC. */
export const azureAksEntraIntegration = resourceRule(
  {
    name: "azure-aks-entra-integration",
    description:
      "AKS clusters must use managed Microsoft Entra ID integration with Azure RBAC for Kubernetes authorization. Access is then granted and revoked through Entra groups and Azure role assignments.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps: "Set `aadProfile: { managed: true, enableAzureRBAC: true, tenantID }`.",
    controls: [
      {
        source: "azure-policy",
        id: "450d2877",
        title: "Azure Kubernetes Service Clusters should enable Microsoft Entra ID integration",
      },
      { source: "psrule", id: "Azure.AKS.ManagedAAD", title: "Use AKS-managed Entra integration" },
      { source: "psrule", id: "Azure.AKS.AzureRBAC", title: "Use Azure RBAC for Kubernetes authorization" },
    ],
    config: {
      requireAzureRbac: {
        type: "boolean",
        default: true,
        description: "Also require `aadProfile.enableAzureRBAC: true`.",
      },
    },
  },
  containerservice.ManagedCluster,
  (props, report, config: { requireAzureRbac: boolean }) => {
    const aad = props.aadProfile;
    if (!aad)
      return report(
        "aadProfile is unset, so the cluster has no Microsoft Entra ID integration.",
        "set `aadProfile: { managed: true, enableAzureRBAC: true }`.",
      );
    if (aad.managed !== true) report(`aadProfile.managed is ${show(aad.managed)}.`, "set `aadProfile.managed: true`.");
    if (config.requireAzureRbac && aad.enableAzureRBAC !== true)
      report(`aadProfile.enableAzureRBAC is ${show(aad.enableAzureRBAC)}.`, "set `aadProfile.enableAzureRBAC: true`.");
  },
);
