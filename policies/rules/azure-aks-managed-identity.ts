import * as containerservice from "@pulumi/azure-native/containerservice";
import { resourceRule } from "../lib/define";
import { inListI, show } from "../lib/strings";

/** The cluster manages Azure resources with a managed identity, not a service principal secret. */
export const azureAksManagedIdentity = resourceRule(
  {
    name: "azure-aks-managed-identity",
    description:
      "AKS clusters must use a managed identity (`identity.type` SystemAssigned or UserAssigned) for the control plane. Without one the cluster needs a service principal whose secret expires and must be rotated by hand.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
      'Set `identity: { type: "UserAssigned", userAssignedIdentities: [<identity id>] }` (the AksCluster component does) or `type: "SystemAssigned"`.',
    controls: [
      {
        source: "psrule",
        id: "Azure.AKS.ManagedIdentity",
        title: "Manage cluster infrastructure with a managed identity",
      },
    ],
  },
  containerservice.ManagedCluster,
  (props, report) => {
    const type = props.identity?.type;
    if (!inListI(type, ["SystemAssigned", "UserAssigned"]))
      report(`identity.type is ${show(type)}.`, 'set `identity.type` to "UserAssigned" or "SystemAssigned".');
  },
);
