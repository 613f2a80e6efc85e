import * as containerservice from "@pulumi/azure-native/containerservice";
import { resourceRule } from "../lib/define";
import { inListI, show } from "../lib/strings";

/** The control plane comes with a financially backed SLA. */
export const azureAksUptimeSla = resourceRule(
  {
    name: "azure-aks-uptime-sla",
    description:
      "AKS clusters must use the Standard or Premium tier (`sku.tier`), which scales the control plane and comes with an uptime SLA. The Free tier (the default when unset) has neither and suits dev only. Reliability rule: mandatory in prod, advisory in dev.",
    severity: "medium",
    enforcementLevel: "advisory",
    exemptible: true,
    remediationSteps: 'Set `sku: { name: "Base", tier: "Standard" }` (stack config `clusterSkuTier: Standard`).',
    controls: [
      { source: "psrule", id: "Azure.AKS.UptimeSLA", title: "Use the Standard tier (uptime SLA)" },
      {
        source: "microsoft-learn",
        id: "aks-free-standard-premium-tiers",
        title: "Free, Standard, and Premium pricing tiers for AKS cluster management",
      },
    ],
  },
  containerservice.ManagedCluster,
  (props, report) => {
    const tier = props.sku?.tier;
    if (!inListI(tier, ["Standard", "Premium"]))
      report(`sku.tier is ${show(tier)} (service default "Free").`, 'set `sku.tier: "Standard"`.');
  },
);
