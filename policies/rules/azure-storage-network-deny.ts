import * as storage from "@pulumi/azure-native/storage";
import { resourceRule } from "../lib/define";
import { eqi, orDefault, show } from "../lib/strings";

/** The account is private, or its firewall denies by default. */
export const azureStorageNetworkDeny = resourceRule(
  {
    name: "azure-storage-network-deny",
    description:
      "Storage accounts must disable public network access or deny public traffic by default. The SDK default network rule set allows every network.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
      'Set `publicNetworkAccess: "Disabled"` with a private endpoint (group `blob`), or `networkRuleSet.defaultAction: "Deny"`.',
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
    ],
  },
  storage.StorageAccount,
  (props, report) => {
    if (eqi(orDefault(props.publicNetworkAccess, "Enabled"), "Disabled")) return;
    const action = orDefault(props.networkRuleSet?.defaultAction, "Allow");
    if (!eqi(action, "Deny"))
      report(
        `publicNetworkAccess is ${show(props.publicNetworkAccess)} and networkRuleSet.defaultAction is ${show(props.networkRuleSet?.defaultAction)} (default "Allow").`,
        'set `publicNetworkAccess: "Disabled"` or `networkRuleSet.defaultAction: "Deny"`.',
      );
  },
);
