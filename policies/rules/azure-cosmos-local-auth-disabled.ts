import * as cosmosdb from "@pulumi/azure-native/cosmosdb";
import { resourceRule } from "../lib/define";
import { show } from "../lib/strings";

/** Cosmos DB accounts accept only Microsoft Entra ID on the data plane (no account keys). */
export const azureCosmosLocalAuthDisabled = resourceRule(
  {
    name: "azure-cosmos-local-auth-disabled",
    description:
      "Cosmos DB accounts must disable local (key-based) authentication. Workloads then reach data only with Microsoft Entra ID tokens and data-plane role assignments, so no long-lived account key can leak.",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps:
      "Set `disableLocalAuth: true` and grant workloads a Cosmos DB data-plane role (sqlRoleAssignment).",
    controls: [
      {
        source: "azure-policy",
        id: "5450f5bd",
        title: "Cosmos DB database accounts should have local authentication methods disabled",
      },
      { source: "checkov", id: "CKV_AZURE_140", title: "Ensure that Local Authentication is disabled on CosmosDB" },
      {
        source: "cis-azure",
        id: "v2.0.0 4.5.3",
        title: "Use Entra ID Client Authentication and Azure RBAC where possible",
      },
      { source: "psrule", id: "Azure.Cosmos.DisableLocalAuth", title: "Disable key-based authentication" },
    ],
  },
  cosmosdb.DatabaseAccount,
  (props, report) => {
    if (props.disableLocalAuth !== true)
      report(
        `disableLocalAuth is ${show(props.disableLocalAuth)}, so account keys can be used.`,
        "set `disableLocalAuth: true`.",
      );
  },
);
