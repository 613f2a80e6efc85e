import * as storage from "@pulumi/azure-native/storage";
import { resourceRule } from "../lib/define";
import { show } from "../lib/strings";

/** No container can be made anonymously readable. */
export const azureStorageNoBlobPublicAccess = resourceRule(
  {
    name: "azure-storage-no-blob-public-access",
    description:
      "Storage accounts must disallow anonymous blob access. Model artifacts and datasets then cannot be exposed by a single container setting.",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps: "Set `allowBlobPublicAccess: false`.",
    controls: [
      { source: "azure-policy", id: "4fa4b6c0", title: "Storage account public access should be disallowed" },
      { source: "checkov", id: "CKV_AZURE_190", title: "Ensure that Storage blobs restrict public access" },
      {
        source: "cis-azure",
        id: "v2.0.0 3.7",
        title: "Ensure that 'Public access level' is disabled for storage accounts with blob containers",
      },
      { source: "psrule", id: "Azure.Storage.BlobPublicAccess", title: "Disallow public access to blobs" },
    ],
  },
  storage.StorageAccount,
  (props, report) => {
    if (props.allowBlobPublicAccess !== false)
      report(`allowBlobPublicAccess is ${show(props.allowBlobPublicAccess)}.`, "set `allowBlobPublicAccess: false`.");
  },
);
