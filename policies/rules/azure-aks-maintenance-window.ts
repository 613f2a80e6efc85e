import { stackRule } from "../lib/define";
import { ofType, refersTo, safeRead } from "../lib/links";

const CLUSTER = "azure-native:containerservice:ManagedCluster";
const CONFIG = "azure-native:containerservice:MaintenanceConfiguration";
const SCHEDULES = ["aksManagedAutoUpgradeSchedule", "aksManagedNodeOSUpgradeSchedule"];

/** Cluster and node-image upgrades run in a window the team chose. */
export const azureAksMaintenanceWindow = stackRule(
  {
    name: "azure-aks-maintenance-window",
    description:
      "Every AKS cluster must have both planned maintenance configurations, `aksManagedAutoUpgradeSchedule` and `aksManagedNodeOSUpgradeSchedule`, so automatic upgrades never start in business hours. Reliability rule: mandatory in prod, advisory in dev.",
    severity: "low",
    enforcementLevel: "advisory",
    exemptible: true,
    remediationSteps:
      "Add two MaintenanceConfiguration resources with those `configName`s and `resourceName: cluster.name` (the AksCluster component does).",
    controls: [
      {
        source: "psrule",
        id: "Azure.AKS.MaintenanceWindow",
        title: "Configure maintenance windows for both upgrade schedules",
      },
    ],
  },
  [CLUSTER, CONFIG],
  (args, report, _config, isExempt) => {
    const configs = ofType(args.resources, CONFIG);
    for (const cluster of ofType(args.resources, CLUSTER)) {
      if (isExempt(cluster.name)) continue;
      const names = configs
        .filter((c) => refersTo(c, "resourceName", cluster))
        .map((c) => safeRead(() => c.props.configName as unknown));
      // A name unknown at preview may be either schedule: report only what is known to be missing.
      if (names.includes(undefined)) continue;
      const missing = SCHEDULES.filter((s) => !names.includes(s));
      if (missing.length > 0)
        report(
          cluster.urn,
          `${cluster.name} has no maintenance configuration ${missing.join(" or ")}.`,
          "add a MaintenanceConfiguration for each schedule with the cluster's name as `resourceName`.",
        );
    }
  },
);
