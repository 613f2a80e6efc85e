import * as containerservice from "@pulumi/azure-native/containerservice";
import { resourceRule } from "../lib/define";

/** Azure Policy runs inside the cluster as an admission controller. */
export const azureAksAzurePolicyAddon = resourceRule(
  {
    name: "azure-aks-azure-policy-addon",
    description:
      "AKS clusters should run the Azure Policy add-on. It enforces the same workload rules at admission time for objects that are not deployed through Pulumi.",
    severity: "medium",
    enforcementLevel: "advisory",
    exemptible: true,
    remediationSteps: "Set `addonProfiles: { azurepolicy: { enabled: true } }`.",
    controls: [
      {
        source: "azure-policy",
        id: "0a15ec92",
        title: "Azure Policy Add-on for Kubernetes service (AKS) should be installed and enabled on your clusters",
      },
      { source: "checkov", id: "CKV_AZURE_116", title: "Ensure that AKS uses Azure Policies Add-on" },
      { source: "psrule", id: "Azure.AKS.AzurePolicyAddOn", title: "Use the Azure Policy add-on" },
    ],
  },
  containerservice.ManagedCluster,
  (props, report) => {
    const addons = props.addonProfiles ?? {};
    const key = Object.keys(addons).find((k) => k.toLowerCase() === "azurepolicy");
    if (key === undefined || addons[key]?.enabled !== true)
      report("the azurepolicy add-on is not enabled.", "set `addonProfiles.azurepolicy.enabled: true`.");
  },
);
