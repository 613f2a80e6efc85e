import * as containerservice from "@pulumi/azure-native/containerservice";
import { resourceRule } from "../lib/define";
import { show } from "../lib/strings";

/** No static admin kubeconfig exists. */
export const azureAksLocalAccountsDisabled = resourceRule(
  {
    name: "azure-aks-local-accounts-disabled",
    description:
      "AKS clusters must disable local accounts. The static cluster-admin credential then does not exist and every access goes through Microsoft Entra ID.",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps: "Set `disableLocalAccounts: true` (requires managed Entra ID integration).",
    controls: [
      {
        source: "azure-policy",
        id: "993c2fcd",
        title: "Azure Kubernetes Service Clusters should have local authentication methods disabled",
      },
      { source: "checkov", id: "CKV_AZURE_141", title: "Ensure AKS local admin account is disabled" },
      { source: "psrule", id: "Azure.AKS.LocalAccounts", title: "Disable local accounts; use named identities" },
    ],
  },
  containerservice.ManagedCluster,
  (props, report) => {
    if (props.disableLocalAccounts !== true)
      report(`disableLocalAccounts is ${show(props.disableLocalAccounts)}.`, "set `disableLocalAccounts: true`.");
  },
);
