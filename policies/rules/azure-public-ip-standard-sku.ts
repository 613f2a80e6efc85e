import * as network from "@pulumi/azure-native/network";
import { resourceRule } from "../lib/define";
import { inListI, show } from "../lib/strings";

/** Public IPs use a SKU that supports zones and is still offered. */
export const azurePublicIpStandardSku = resourceRule(
  {
    name: "azure-public-ip-standard-sku",
    description:
      "Public IP addresses must use the Standard (or StandardV2) SKU. The Basic SKU, the default when unset, has no availability zones or SLA and was retired in September 2025. Reliability rule: mandatory in prod, advisory in dev.",
    severity: "medium",
    enforcementLevel: "advisory",
    exemptible: true,
    remediationSteps: 'Set `sku: { name: "Standard", tier: "Regional" }` and `publicIPAllocationMethod: "Static"`.',
    controls: [
      { source: "psrule", id: "Azure.PublicIP.StandardSKU", title: "Use the Standard SKU for public IPs" },
      {
        source: "microsoft-learn",
        id: "public-ip-basic-sku-retirement",
        title: "Upgrade to Standard SKU public IP addresses in Azure by 30 September 2025",
      },
    ],
  },
  network.PublicIPAddress,
  (props, report) => {
    const sku = props.sku?.name;
    if (!inListI(sku, ["Standard", "StandardV2"]))
      report(`sku.name is ${show(sku)} (service default "Basic").`, 'set `sku.name: "Standard"`.');
  },
);
