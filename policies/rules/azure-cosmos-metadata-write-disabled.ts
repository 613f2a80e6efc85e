import * as cosmosdb from "@pulumi/azure-native/cosmosdb";
import { resourceRule } from "../lib/define";
import { show } from "../lib/strings";

/** Account keys cannot change databases and containers. */
export const azureCosmosMetadataWriteDisabled = resourceRule(
  {
    name: "azure-cosmos-metadata-write-disabled",
    description:
      "Cosmos DB accounts should disable key-based metadata writes. Databases and containers are then changed only through Azure Resource Manager, where changes are authorised and audited.",
    severity: "medium",
    enforcementLevel: "advisory",
    exemptible: true,
    remediationSteps: "Set `disableKeyBasedMetadataWriteAccess: true` and manage databases and containers with Pulumi.",
    controls: [
      {
        source: "azure-policy",
        id: "4750c32b",
        title: "Azure Cosmos DB key based metadata write access should be disabled",
      },
      {
        source: "checkov",
        id: "CKV_AZURE_132",
        title: "Ensure cosmosdb does not allow privileged escalation by restricting management plane changes",
      },
      {
        source: "psrule",
        id: "Azure.Cosmos.DisableMetadataWrite",
        title: "Make management changes through Entra identities only",
      },
    ],
  },
  cosmosdb.DatabaseAccount,
  (props, report) => {
    if (props.disableKeyBasedMetadataWriteAccess !== true)
      report(
        `disableKeyBasedMetadataWriteAccess is ${show(props.disableKeyBasedMetadataWriteAccess)}.`,
        "set `disableKeyBasedMetadataWriteAccess: true`.",
      );
  },
);
