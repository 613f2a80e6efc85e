import * as cosmosdb from "@pulumi/azure-native/cosmosdb";
import { resourceRule } from "../lib/define";
import { eqi, show } from "../lib/strings";

/** Cosmos DB accounts use continuous backup with self-service point-in-time restore. */
export const azureCosmosContinuousBackup = resourceRule(
  {
    name: "azure-cosmos-continuous-backup",
    description:
      "Cosmos DB accounts should use continuous backup. It allows self-service point-in-time restore, while a periodic backup (the service default) can only be restored through a support ticket.",
    severity: "medium",
    enforcementLevel: "advisory",
    exemptible: true,
    remediationSteps:
      'Set `backupPolicy: { type: "Continuous", continuousModeProperties: { tier: "Continuous30Days" } }`.',
    controls: [
      {
        source: "microsoft-learn",
        id: "cosmos-db-continuous-backup",
        title: "Continuous backup with point-in-time restore in Azure Cosmos DB",
      },
      { source: "project", id: "backup", title: "Data services are restorable to a point in time" },
    ],
  },
  cosmosdb.DatabaseAccount,
  (props, report) => {
    const type = props.backupPolicy?.type;
    if (!eqi(type, "Continuous"))
      report(
        `backupPolicy.type is ${show(type)} (service default "Periodic").`,
        'set `backupPolicy.type: "Continuous"`.',
      );
  },
);
