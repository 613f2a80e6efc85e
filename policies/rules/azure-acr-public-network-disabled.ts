import * as containerregistry from "@pulumi/azure-native/containerregistry";
import { resourceRule } from "../lib/define";
import { eqi, orDefault, show } from "../lib/strings";

/** The registry is private, or its public endpoint denies by default. */
export const azureAcrPublicNetworkDisabled = resourceRule(
  {
    name: "azure-acr-public-network-disabled",
    description:
      "Container registries must disable public network access, or at least deny public traffic by default with network rules. When unset, public access is enabled and unrestricted.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
      'Set `publicNetworkAccess: "Disabled"` and use a private endpoint (group `registry`); in development at least set `networkRuleSet.defaultAction: "Deny"` with the deployer\'s IP rules.',
    controls: [
      {
        source: "azure-policy",
        id: "0fdf0491",
        title: "Public network access should be disabled for Container registries",
      },
      {
        source: "azure-policy",
        id: "d0793b48",
        title: "Container registries should not allow unrestricted network access",
      },
      { source: "checkov", id: "CKV_AZURE_139", title: "Ensure ACR set to disable public networking" },
      {
        source: "psrule",
        id: "Azure.ACR.Firewall",
        title: "Limit network access of container registries to trusted clients",
      },
    ],
  },
  containerregistry.Registry,
  (props, report) => {
    if (eqi(orDefault(props.publicNetworkAccess, "Enabled"), "Disabled")) return;
    const action = orDefault(props.networkRuleSet?.defaultAction, "Allow");
    if (!eqi(action, "Deny"))
      report(
        `publicNetworkAccess is ${show(props.publicNetworkAccess)} and networkRuleSet.defaultAction is ${show(props.networkRuleSet?.defaultAction)} (service default "Allow").`,
        'set `publicNetworkAccess: "Disabled"`, or `networkRuleSet.defaultAction: "Deny"` with explicit IP rules.',
      );
  },
);
