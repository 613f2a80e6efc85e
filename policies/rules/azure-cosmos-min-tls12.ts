import * as cosmosdb from "@pulumi/azure-native/cosmosdb";
import { resourceRule } from "../lib/define";
import { inListI, show } from "../lib/strings";

/** Cosmos DB accounts refuse TLS 1.0 and 1.1. */
export const azureCosmosMinTls12 = resourceRule(
  {
    name: "azure-cosmos-min-tls12",
    description:
      "Cosmos DB accounts must require TLS 1.2 or later. TLS 1.0 and 1.1 are retired for Cosmos DB; an unset value means the service default, TLS 1.2.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps: 'Set `minimalTlsVersion: "Tls12"`.',
    controls: [
      {
        source: "microsoft-learn",
        id: "cosmos-db-tls",
        title: "Self-serve minimum TLS version enforcement in Azure Cosmos DB",
      },
    ],
  },
  cosmosdb.DatabaseAccount,
  (props, report) => {
    if (inListI(props.minimalTlsVersion, ["Tls", "Tls11"]))
      report(
        `minimalTlsVersion is ${show(props.minimalTlsVersion)}, which allows TLS below 1.2.`,
        'set `minimalTlsVersion: "Tls12"`.',
      );
  },
);
