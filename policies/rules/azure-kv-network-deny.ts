import * as keyvault from "@pulumi/azure-native/keyvault";
import { resourceRule } from "../lib/define";
import { eqi, orDefault, show } from "../lib/strings";

/** The vault is private, or its firewall denies by default. */
export const azureKvNetworkDeny = resourceRule(
  {
    name: "azure-kv-network-deny",
    description:
      "Key vaults must disable public network access or deny public traffic by default in their firewall. The SDK default is public access with an allow-all firewall.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
      'Set `properties.publicNetworkAccess: "Disabled"` and use a private endpoint (group `vault`), or set `properties.networkAcls.defaultAction: "Deny"`.',
    controls: [
      {
        source: "azure-policy",
        id: "55615ac9",
        title: "Azure Key Vault should have firewall enabled or public network access disabled",
      },
      { source: "azure-policy", id: "405c5871", title: "Azure Key Vault should disable public network access" },
      { source: "checkov", id: "CKV_AZURE_109", title: "Ensure that key vault allows firewall rules settings" },
      { source: "checkov", id: "CKV_AZURE_189", title: "Ensure that Azure Key Vault disables public network access" },
    ],
  },
  keyvault.Vault,
  (props, report) => {
    const p = props.properties;
    if (eqi(orDefault(p?.publicNetworkAccess, "enabled"), "disabled")) return;
    const action = orDefault(p?.networkAcls?.defaultAction, "Allow");
    if (!eqi(action, "Deny"))
      report(
        `properties.publicNetworkAccess is ${show(p?.publicNetworkAccess)} and properties.networkAcls.defaultAction is ${show(p?.networkAcls?.defaultAction)} (service default "Allow").`,
        'set `properties.publicNetworkAccess: "Disabled"` or `properties.networkAcls.defaultAction: "Deny"`.',
      );
  },
);
