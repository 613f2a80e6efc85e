import * as storage from "@pulumi/azure-native/storage";
import { resourceRule } from "../lib/define";
import { inListI, show } from "../lib/strings";

const REDUNDANT = ["Standard_ZRS", "Premium_ZRS", "Standard_GRS", "Standard_RAGRS", "Standard_GZRS", "Standard_RAGZRS"];

/** Model artifacts survive the loss of a zone or a region. */
export const azureStorageReplication = resourceRule(
  {
    name: "azure-storage-replication",
    description:
      "Storage accounts must replicate across zones or regions (ZRS, GRS, GZRS or their read-access variants). Locally redundant storage (LRS) keeps every copy in one datacenter. Reliability rule: mandatory in prod, advisory in dev.",
    severity: "medium",
    enforcementLevel: "advisory",
    exemptible: true,
    remediationSteps: 'Set `sku.name: "Standard_ZRS"` (stack config `zoneRedundant: true`) or a geo-redundant SKU.',
    controls: [
      {
        source: "psrule",
        id: "Azure.Storage.UseReplication",
        title: "Use zone-redundant or geo-redundant replication",
      },
      { source: "checkov", id: "CKV_AZURE_206", title: "Ensure that Storage Accounts use replication" },
    ],
  },
  storage.StorageAccount,
  (props, report) => {
    const sku = props.sku?.name;
    if (!inListI(sku, REDUNDANT))
      report(`sku.name is ${show(sku)}, which is not zone- or geo-redundant.`, 'use "Standard_ZRS" or a GRS/GZRS SKU.');
  },
);
