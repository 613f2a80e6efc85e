import * as cosmosdb from "@pulumi/azure-native/cosmosdb";
import { resourceRule } from "../lib/define";

/** The account qualifies for the Cosmos DB SLA. */
export const azureCosmosNoFreeTier = resourceRule(
  {
    name: "azure-cosmos-no-free-tier",
    description:
      "Cosmos DB accounts must not use the free tier (`enableFreeTier`, off when unset). A free-tier account has no SLA and its throughput cannot grow past the free allowance without a new account. Reliability rule: mandatory in prod, advisory in dev.",
    severity: "low",
    enforcementLevel: "advisory",
    exemptible: true,
    remediationSteps:
      "Remove `enableFreeTier` or set it to false (the free tier cannot be turned off later: create a new account).",
    controls: [{ source: "psrule", id: "Azure.Cosmos.SLA", title: "Use a paid tier (the free tier has no SLA)" }],
  },
  cosmosdb.DatabaseAccount,
  (props, report) => {
    if (props.enableFreeTier === true) report("enableFreeTier is true.", "set `enableFreeTier: false`.");
  },
);
