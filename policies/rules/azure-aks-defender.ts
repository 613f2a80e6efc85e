import * as containerservice from "@pulumi/azure-native/containerservice";
import { resourceRule } from "../lib/define";
import { show } from "../lib/strings";

/** Microsoft Defender for Containers watches the cluster at runtime. */
export const azureAksDefender = resourceRule(
  {
    name: "azure-aks-defender",
    description:
      "AKS clusters should enable the Microsoft Defender security profile. It detects runtime threats on nodes and pods and reports them to the Log Analytics workspace.",
    severity: "medium",
    enforcementLevel: "advisory",
    exemptible: true,
    remediationSteps:
      "Set `securityProfile.defender: { securityMonitoring: { enabled: true }, logAnalyticsWorkspaceResourceId }`.",
    controls: [
      {
        source: "azure-policy",
        id: "a1840de2",
        title: "Azure Kubernetes Service clusters should have Defender profile enabled",
      },
      { source: "checkov", id: "CKV_AZURE_85", title: "Ensure that Azure Defender is set to On for Kubernetes" },
      { source: "psrule", id: "Azure.AKS.DefenderProfile", title: "Enable the Defender profile" },
    ],
  },
  containerservice.ManagedCluster,
  (props, report) => {
    const enabled = props.securityProfile?.defender?.securityMonitoring?.enabled;
    if (enabled !== true)
      report(
        `securityProfile.defender.securityMonitoring.enabled is ${show(enabled)}.`,
        "enable the Defender profile with a Log Analytics workspace.",
      );
  },
);
