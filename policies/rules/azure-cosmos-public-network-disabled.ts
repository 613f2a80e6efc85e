import * as cosmosdb from "@pulumi/azure-native/cosmosdb";
import { resourceRule } from "../lib/define";
import { inListI, orDefault, show } from "../lib/strings";

/** Cosmos DB accounts are reachable only through private endpoints. */
export const azureCosmosPublicNetworkDisabled = resourceRule(
  {
    name: "azure-cosmos-public-network-disabled",
    description:
      "Cosmos DB accounts must disable public network access. The data plane is then reachable only through a private endpoint in the platform's virtual network; when unset, Azure enables public access.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
      'Set `publicNetworkAccess: "Disabled"` and connect the account through a private endpoint (group `Sql`).',
    controls: [
      { source: "azure-policy", id: "797b37f7", title: "Azure Cosmos DB should disable public network access" },
      { source: "checkov", id: "CKV_AZURE_101", title: "Ensure that Azure Cosmos DB disables public network access" },
      { source: "psrule", id: "Azure.Cosmos.PublicAccess", title: "Disable public network access" },
    ],
  },
  cosmosdb.DatabaseAccount,
  (props, report) => {
    const access = orDefault(props.publicNetworkAccess, "Enabled");
    if (!inListI(access, ["Disabled", "SecuredByPerimeter"]))
      report(
        `publicNetworkAccess is ${show(props.publicNetworkAccess)} (service default "Enabled").`,
        'set `publicNetworkAccess: "Disabled"` and use a private endpoint.',
      );
  },
);
