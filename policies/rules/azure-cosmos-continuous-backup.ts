import * as cosmosdb from "@pulumi/azure-native/cosmosdb";
import { resourceRule } from "../lib/define";
import { type Props } from "../lib/props";
import { eqi, show } from "../lib/strings";

/** Cosmos DB accounts use continuous backup with self-service point-in-time restore. */
export const azureCosmosContinuousBackup = resourceRule(
  {
    name: "azure-cosmos-continuous-backup",
    description:
      "Cosmos DB accounts should use continuous backup with an explicit tier (`continuousModeProperties.tier`, Continuous7Days or Continuous30Days). It allows self-service point-in-time restore, while a periodic backup (the service default) can only be restored through a support ticket; the tier fixes how far back a restore can go.",
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
      { source: "psrule", id: "Azure.Cosmos.ContinuousBackup", title: "Enable continuous backup" },
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
    else if (typeof (props.backupPolicy as Props).continuousModeProperties?.tier !== "string")
      report(
        "backupPolicy.continuousModeProperties.tier is unset.",
        'set `continuousModeProperties.tier` to "Continuous7Days" or "Continuous30Days".',
      );
  },
);
