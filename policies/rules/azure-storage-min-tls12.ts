import * as storage from "@pulumi/azure-native/storage";
import { resourceRule } from "../lib/define";
import { inListI, show } from "../lib/strings";

/** Storage refuses TLS 1.0 and 1.1. */
export const azureStorageMinTls12 = resourceRule(
  {
    name: "azure-storage-min-tls12",
    description:
      "Storage accounts must require TLS 1.2 or later. When unset, older API versions accept TLS 1.0, so the version must be set explicitly.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps: 'Set `minimumTlsVersion: "TLS1_2"`.',
    controls: [
      {
        source: "azure-policy",
        id: "fe83a0eb",
        title: "Storage accounts should have the specified minimum TLS version",
      },
      {
        source: "checkov",
        id: "CKV_AZURE_44",
        title: "Ensure Storage Account is using the latest version of TLS encryption",
      },
      {
        source: "cis-azure",
        id: "v2.0.0 3.15",
        title: "Ensure the Minimum TLS version for storage accounts is set to Version 1.2",
      },
      { source: "psrule", id: "Azure.Storage.MinTLS", title: "Reject TLS versions older than 1.2" },
    ],
  },
  storage.StorageAccount,
  (props, report) => {
    if (!inListI(props.minimumTlsVersion, ["TLS1_2", "TLS1_3"]))
      report(`minimumTlsVersion is ${show(props.minimumTlsVersion)}.`, 'set `minimumTlsVersion: "TLS1_2"`.');
  },
);
