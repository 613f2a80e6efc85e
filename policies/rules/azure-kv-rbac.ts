import * as keyvault from "@pulumi/azure-native/keyvault";
import { resourceRule } from "../lib/define";
import { show } from "../lib/strings";

/** Vault data access is governed by Azure RBAC, not vault access policies. */
export const azureKvRbac = resourceRule(
  {
    name: "azure-kv-rbac",
    description:
      "Key vaults must use the Azure RBAC permission model and have no access policies. Access is then granted per secret scope with audited role assignments; the SDK default is the legacy access-policy model.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
      "Set `properties.enableRbacAuthorization: true`, `properties.accessPolicies: []`, and grant Key Vault Secrets User to workload identities.",
    controls: [
      { source: "azure-policy", id: "12d4fa5e", title: "Azure Key Vault should use RBAC permission model" },
      { source: "cis-azure", id: "v2.0.0 8.6", title: "Enable Role Based Access Control for Azure Key Vault" },
      { source: "psrule", id: "Azure.KeyVault.RBAC", title: "Authorize the data plane with Azure RBAC" },
      { source: "psrule", id: "Azure.KeyVault.AccessPolicy", title: "Limit access to Key Vault data" },
    ],
  },
  keyvault.Vault,
  (props, report) => {
    const p = props.properties;
    if (p?.enableRbacAuthorization !== true)
      report(
        `properties.enableRbacAuthorization is ${show(p?.enableRbacAuthorization)} (SDK default false).`,
        "set `properties.enableRbacAuthorization: true`.",
      );
    const policies = p?.accessPolicies ?? [];
    if (policies.length > 0)
      report(
        `properties.accessPolicies has ${policies.length} entries.`,
        "remove the access policies and use role assignments.",
      );
  },
);
