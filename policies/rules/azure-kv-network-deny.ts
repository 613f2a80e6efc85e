import * as keyvault from "@pulumi/azure-native/keyvault";
import { resourceRule } from "../lib/define";
import { eqi, orDefault, show } from "../lib/strings";

/** The vault is private, or its firewall denies by default. */
export const azureKvNetworkDeny = resourceRule(
  {
    name: "azure-kv-network-deny",
    description:
      'Key vaults must deny by default in their firewall (`networkAcls.defaultAction: "Deny"`), also when public network access is disabled: the firewall is what still holds if public access is switched back on, and trusted-service bypass is judged against it. The SDK default is public access with an allow-all firewall.',
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
      'Set `properties.networkAcls.defaultAction: "Deny"`, and `properties.publicNetworkAccess: "Disabled"` with a private endpoint (group `vault`).',
    controls: [
      {
        source: "azure-policy",
        id: "55615ac9",
        title: "Azure Key Vault should have firewall enabled or public network access disabled",
      },
      { source: "azure-policy", id: "405c5871", title: "Azure Key Vault should disable public network access" },
      { source: "checkov", id: "CKV_AZURE_109", title: "Ensure that key vault allows firewall rules settings" },
      { source: "checkov", id: "CKV_AZURE_189", title: "Ensure that Azure Key Vault disables public network access" },
      { source: "psrule", id: "Azure.KeyVault.Firewall", title: "Accept only explicitly allowed traffic" },
    ],
  },
  keyvault.Vault,
  (props, report) => {
    const p = props.properties;
    const action = orDefault(p?.networkAcls?.defaultAction, "Allow");
    if (!eqi(action, "Deny"))
      report(
        `properties.networkAcls.defaultAction is ${show(p?.networkAcls?.defaultAction)} (service default "Allow").`,
        'set `properties.networkAcls.defaultAction: "Deny"` (and `properties.publicNetworkAccess: "Disabled"` with a private endpoint).',
      );
  },
);
