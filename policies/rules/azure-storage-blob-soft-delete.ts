import { accountsWithBlobServices, BLOB_SERVICE, retains, STORAGE_ACCOUNT } from "../lib/blob-services";
import { stackRule } from "../lib/define";

/** A deleted or overwritten blob can be recovered for a while. */
export const azureStorageBlobSoftDelete = stackRule(
  {
    name: "azure-storage-blob-soft-delete",
    description:
      "Every storage account with blobs must have blob service properties with blob soft delete enabled (`deleteRetentionPolicy`) for at least `minDays` days (default 7). Soft delete is off unless set, so a deleted model or dataset is gone at once. Reliability rule: mandatory in prod, advisory in dev.",
    severity: "medium",
    enforcementLevel: "advisory",
    exemptible: true,
    remediationSteps:
      "Add a BlobServiceProperties resource for the account with `deleteRetentionPolicy: { enabled: true, days: 7 }` (the ModelStore component does).",
    controls: [
      { source: "psrule", id: "Azure.Storage.SoftDelete", title: "Enable blob soft delete" },
      {
        source: "cis-azure",
        id: "v2.0.0 3.11",
        title: "Ensure Soft Delete is Enabled for Azure Containers and Blob Storage",
      },
    ],
    config: {
      minDays: { type: "integer", minimum: 1, maximum: 365, default: 7, description: "Fewest retention days." },
    },
  },
  [STORAGE_ACCOUNT, BLOB_SERVICE],
  (args, report, config: { minDays: number }, isExempt) => {
    for (const { account, services } of accountsWithBlobServices(args)) {
      if (isExempt(account.name)) continue;
      if (!services.some((s) => retains(s, "deleteRetentionPolicy", config.minDays)))
        report(
          account.urn,
          `${account.name} has no blob service properties with deleteRetentionPolicy enabled for ${config.minDays} days or more.`,
          `set \`deleteRetentionPolicy: { enabled: true, days: ${config.minDays} }\` on the account's blob service properties.`,
        );
    }
  },
);
