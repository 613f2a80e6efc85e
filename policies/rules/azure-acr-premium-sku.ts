import * as containerregistry from "@pulumi/azure-native/containerregistry";
import { resourceRule } from "../lib/define";
import { eqi, show } from "../lib/strings";

/** Premium is the only SKU with private endpoints and network rules. */
export const azureAcrPremiumSku = resourceRule(
  {
    name: "azure-acr-premium-sku",
    description:
      "Container registries must use the Premium SKU. Only Premium supports private endpoints, network rules and zone redundancy, which the other registry rules rely on.",
    severity: "medium",
    enforcementLevel: "mandatory",
    exemptible: true,
    remediationSteps: 'Set `sku: { name: "Premium" }`.',
    controls: [
      {
        source: "azure-policy",
        id: "bd560fc0",
        title: "Container registries should have SKUs that support Private Links",
      },
      { source: "psrule", id: "Azure.ACR.MinSku", title: "Use the Premium or Standard SKU for production registries" },
    ],
  },
  containerregistry.Registry,
  (props, report) => {
    if (!eqi(props.sku?.name, "Premium")) report(`sku.name is ${show(props.sku?.name)}.`, 'set `sku.name: "Premium"`.');
  },
);
