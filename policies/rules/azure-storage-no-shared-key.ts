import * as storage from "@pulumi/azure-native/storage";
import { resourceRule } from "../lib/define";
import { show } from "../lib/strings";

/** Storage is reached with Entra ID, not account keys or SAS signed by them. */
export const azureStorageNoSharedKey = resourceRule(
  {
    name: "azure-storage-no-shared-key",
    description:
      "Storage accounts should disallow shared key access. Requests must then carry Microsoft Entra tokens, which are scoped per identity and audited.",
    severity: "medium",
    enforcementLevel: "advisory",
    exemptible: true,
    remediationSteps: "Set `allowSharedKeyAccess: false` and grant Storage Blob Data roles to workload identities.",
    controls: [
      { source: "azure-policy", id: "8c6a50c6", title: "Storage accounts should prevent shared key access" },
      { source: "psrule", id: "Azure.Storage.LocalAuth", title: "Disable shared key authorization" },
    ],
  },
  storage.StorageAccount,
  (props, report) => {
    if (props.allowSharedKeyAccess !== false)
      report(
        `allowSharedKeyAccess is ${show(props.allowSharedKeyAccess)} (service default true).`,
        "set `allowSharedKeyAccess: false`.",
      );
  },
);
