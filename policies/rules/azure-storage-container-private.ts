import * as storage from "@pulumi/azure-native/storage";
import { resourceRule } from "../lib/define";
import { eqi, orDefault, show } from "../lib/strings";

/** Every blob container requires authorization to read. */
export const azureStorageContainerPrivate = resourceRule(
  {
    name: "azure-storage-container-private",
    description:
      'Blob containers must keep the private access type (`publicAccess: "None"`, the default when unset). A container with `Blob` or `Container` access serves its data to anyone who knows the URL once the account allows public access.',
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
      'Remove `publicAccess` or set `publicAccess: "None"`; share data with Entra roles or user delegation SAS.',
    controls: [
      { source: "psrule", id: "Azure.Storage.BlobAccessType", title: "Keep blob containers private" },
      {
        source: "checkov",
        id: "CKV_AZURE_34",
        title: "Ensure that 'Public access level' is set to Private for blob containers",
      },
      {
        source: "cis-azure",
        id: "v2.0.0 3.7",
        title: "Ensure that 'Public access level' is disabled for storage accounts with blob containers",
      },
    ],
  },
  storage.BlobContainer,
  (props, report) => {
    if (!eqi(orDefault(props.publicAccess, "None"), "None"))
      report(`publicAccess is ${show(props.publicAccess)}.`, 'set `publicAccess: "None"`.');
  },
);
