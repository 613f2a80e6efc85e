import * as storage from "@pulumi/azure-native/storage";
import { resourceRule } from "../lib/define";

/** Storage accepts only HTTPS. */
export const azureStorageHttpsOnly = resourceRule(
  {
    name: "azure-storage-https-only",
    description:
      "Storage accounts must accept only secure transfer (HTTPS). The service default is HTTPS only; this rule catches an explicit opt-out.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps: "Remove `enableHttpsTrafficOnly: false` or set it to true.",
    controls: [
      { source: "azure-policy", id: "404c3081", title: "Secure transfer to storage accounts should be enabled" },
      { source: "checkov", id: "CKV_AZURE_3", title: "Ensure that 'enable_https_traffic_only' is enabled" },
      { source: "cis-azure", id: "v2.0.0 3.1", title: "Ensure that 'Secure transfer required' is set to 'Enabled'" },
      { source: "psrule", id: "Azure.Storage.SecureTransfer", title: "Accept encrypted connections only" },
    ],
  },
  storage.StorageAccount,
  (props, report) => {
    if (props.enableHttpsTrafficOnly === false)
      report("enableHttpsTrafficOnly is false.", "set `enableHttpsTrafficOnly: true`.");
  },
);
