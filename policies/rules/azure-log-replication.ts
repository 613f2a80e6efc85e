import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import { resourceRule } from "../lib/define";
import { type Props } from "../lib/props";
import { show } from "../lib/strings";

/** Logs stay writable and queryable through a regional outage. */
export const azureLogReplication = resourceRule(
  {
    name: "azure-log-replication",
    description:
      "Log Analytics workspaces must enable workspace replication (`replication.enabled`, off when unset), which keeps ingestion and queries running from a second region during a regional outage. Workspaces linked to a dedicated cluster replicate through the cluster and are skipped. Reliability rule: mandatory in prod, advisory in dev.",
    severity: "medium",
    enforcementLevel: "advisory",
    exemptible: true,
    remediationSteps:
      'Set `replication: { enabled: true, location: "<paired region>" }` (workspace API 2025-02-01 or later), or exempt the workspace in the environment\'s policy config with the reason.',
    controls: [
      { source: "psrule", id: "Azure.Log.Replication", title: "Replicate Log Analytics workspaces to a second region" },
      {
        source: "microsoft-learn",
        id: "log-analytics-workspace-replication",
        title: "Enhance resilience by replicating your Log Analytics workspace across regions",
      },
    ],
  },
  operationalinsights.Workspace,
  (typed, report) => {
    // `replication` is newer than the API version the SDK's Workspace type describes.
    const props = typed as Props;
    if (props.features?.clusterResourceId !== undefined) return;
    if (props.replication?.enabled !== true)
      report(`replication.enabled is ${show(props.replication?.enabled)}.`, "enable workspace replication.");
  },
);
