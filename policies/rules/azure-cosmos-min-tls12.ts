import * as cosmosdb from "@pulumi/azure-native/cosmosdb";
import { resourceRule } from "../lib/define";
import { inListI, show } from "../lib/strings";

/** Cosmos DB accounts refuse TLS 1.0 and 1.1. */
export const azureCosmosMinTls12 = resourceRule(
  {
    name: "azure-cosmos-min-tls12",
    description:
      'Cosmos DB accounts must require TLS 1.2 or later, set explicitly (`minimalTlsVersion: "Tls12"`). Unset fails: accounts created before the service default moved to TLS 1.2 keep accepting TLS 1.0, and the input is the only proof of what the account enforces.',
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps: 'Set `minimalTlsVersion: "Tls12"`.',
    controls: [
      {
        source: "microsoft-learn",
        id: "cosmos-db-tls",
        title: "Self-serve minimum TLS version enforcement in Azure Cosmos DB",
      },
      { source: "psrule", id: "Azure.Cosmos.MinTLS", title: "Reject TLS versions older than 1.2" },
    ],
  },
  cosmosdb.DatabaseAccount,
  (props, report) => {
    if (!inListI(props.minimalTlsVersion, ["Tls12", "Tls13"]))
      report(
        `minimalTlsVersion is ${show(props.minimalTlsVersion)}, not Tls12 or later.`,
        'set `minimalTlsVersion: "Tls12"`.',
      );
  },
);
