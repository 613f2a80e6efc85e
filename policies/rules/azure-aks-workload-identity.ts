import * as containerservice from "@pulumi/azure-native/containerservice";
import { resourceRule } from "../lib/define";
import { show } from "../lib/strings";

/** Pods reach Azure with federated workload identity, not secrets. */
export const azureAksWorkloadIdentity = resourceRule(
  {
    name: "azure-aks-workload-identity",
    description:
      "AKS clusters must enable the OIDC issuer and workload identity. Pods then obtain Microsoft Entra tokens for Cosmos DB, storage and Key Vault through federated credentials instead of stored secrets.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps: "Set `oidcIssuerProfile.enabled: true` and `securityProfile.workloadIdentity.enabled: true`.",
    controls: [
      {
        source: "azure-policy",
        id: "2cc2e023",
        title: "Azure Kubernetes Service Clusters should enable workload identity",
      },
    ],
  },
  containerservice.ManagedCluster,
  (props, report) => {
    const wi = props.securityProfile?.workloadIdentity?.enabled;
    if (wi !== true)
      report(
        `securityProfile.workloadIdentity.enabled is ${show(wi)}.`,
        "set `securityProfile.workloadIdentity.enabled: true`.",
      );
    const oidc = props.oidcIssuerProfile?.enabled;
    if (oidc !== true) report(`oidcIssuerProfile.enabled is ${show(oidc)}.`, "set `oidcIssuerProfile.enabled: true`.");
  },
);
