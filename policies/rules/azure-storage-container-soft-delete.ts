import { accountsWithBlobServices, BLOB_SERVICE, retains, STORAGE_ACCOUNT } from "../lib/blob-services";
import { stackRule } from "../lib/define";

/** A deleted container can be restored with its blobs. */
export const azureStorageContainerSoftDelete = stackRule(
  {
    name: "azure-storage-container-soft-delete",
    description:
      "Every storage account with blobs must have blob service properties with container soft delete enabled (`containerDeleteRetentionPolicy`) for at least `minDays` days (default 7). Blob soft delete does not cover deleting a whole container. Reliability rule: mandatory in prod, advisory in dev.",
    severity: "medium",
    enforcementLevel: "advisory",
    exemptible: true,
    remediationSteps:
      "Set `containerDeleteRetentionPolicy: { enabled: true, days: 7 }` on the account's BlobServiceProperties (the ModelStore component does).",
    controls: [
      { source: "psrule", id: "Azure.Storage.ContainerSoftDelete", title: "Enable container soft delete" },
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
      if (!services.some((s) => retains(s, "containerDeleteRetentionPolicy", config.minDays)))
        report(
          account.urn,
          `${account.name} has no blob service properties with containerDeleteRetentionPolicy enabled for ${config.minDays} days or more.`,
          `set \`containerDeleteRetentionPolicy: { enabled: true, days: ${config.minDays} }\` on the account's blob service properties.`,
        );
    }
  },
);
