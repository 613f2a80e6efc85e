import * as storage from "@pulumi/azure-native/storage";
import { resourceRule } from "../lib/define";
import { eqi, orDefault, show } from "../lib/strings";

/** The account is private, or its firewall denies by default. */
export const azureStorageNetworkDeny = resourceRule(
  {
    name: "azure-storage-network-deny",
    description:
      'Storage accounts must deny by default in their firewall (`networkRuleSet.defaultAction: "Deny"`), also when public network access is disabled: the firewall is what still holds if public access is switched back on. The SDK default network rule set allows every network.',
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
      'Set `networkRuleSet.defaultAction: "Deny"`, and `publicNetworkAccess: "Disabled"` with a private endpoint (group `blob`).',
    controls: [
      { source: "azure-policy", id: "34c877ad", title: "Storage accounts should restrict network access" },
      { source: "azure-policy", id: "b2982f36", title: "Storage accounts should disable public network access" },
      {
        source: "checkov",
        id: "CKV_AZURE_35",
        title: "Ensure default network access rule for Storage Accounts is set to deny",
      },
      { source: "checkov", id: "CKV_AZURE_59", title: "Ensure that Storage accounts disallow public access" },
      {
        source: "cis-azure",
        id: "v2.0.0 3.8",
        title: "Ensure Default Network Access Rule for Storage Accounts is Set to Deny",
      },
      { source: "psrule", id: "Azure.Storage.Firewall", title: "Accept only explicitly allowed traffic" },
    ],
  },
  storage.StorageAccount,
  (props, report) => {
    const action = orDefault(props.networkRuleSet?.defaultAction, "Allow");
    if (!eqi(action, "Deny"))
      report(
        `networkRuleSet.defaultAction is ${show(props.networkRuleSet?.defaultAction)} (default "Allow").`,
        'set `networkRuleSet.defaultAction: "Deny"` (and `publicNetworkAccess: "Disabled"` with a private endpoint).',
      );
  },
);
