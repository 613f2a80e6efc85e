/**
 * The pipeline controller's alert: an Azure Monitor Prometheus rule on the cluster's managed Prometheus that fires
 * while a model's rollout is stuck (`ai_platform_pipeline_rollout_stuck == 1`: a pipeline phase has outlasted its
 * expected time by the policy's `guardrails.stuckAfter`) and notifies the platform's action group.
 */
import * as alertsmanagement from "@pulumi/azure-native/alertsmanagement";
import * as pulumi from "@pulumi/pulumi";

/** The rule's PromQL: one series per stuck model. */
export const STUCK_ROLLOUT_EXPRESSION = "max by (model) (ai_platform_pipeline_rollout_stuck) == 1";

/** Arguments of {@link PipelineAlerts}. */
export interface PipelineAlertsArgs {
  resourceGroupName: pulumi.Input<string>;
  location: pulumi.Input<string>;
  /** The Azure Monitor workspace the cluster's Prometheus metrics land in (`AksCluster.azureMonitorWorkspaceId`). */
  azureMonitorWorkspaceId: pulumi.Input<string>;
  /** The cluster whose metrics the rule reads. */
  clusterName: pulumi.Input<string>;
  /** Action group the alert notifies (`Monitoring.actionGroupId`). */
  actionGroupId: pulumi.Input<string>;
  /**
   * How long the rollout must stay stuck before the alert fires, ISO 8601. Defaults to `"PT5M"`: one missed
   * scrape does not page anyone.
   */
  for?: string;
  /** Tags on the rule group. Defaults to none. */
  tags?: Readonly<Record<string, string>>;
}

/** A Prometheus rule group with the stuck-rollout alert. */
export class PipelineAlerts extends pulumi.ComponentResource {
  /** Resource id of the rule group. */
  readonly ruleGroupId: pulumi.Output<string>;

  constructor(name: string, args: PipelineAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    const wait = args.for ?? "PT5M";
    if (!/^PT([1-9][0-9]*M|[1-9][0-9]*H)$/.test(wait))
      throw new Error(`for (${JSON.stringify(wait)}) must be an ISO 8601 duration in minutes or hours, e.g. "PT5M"`);
    super("ai-platform:monitoring:PipelineAlerts", name, {}, opts);
    const group = new alertsmanagement.PrometheusRuleGroup(
      `${name}-rules`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        ...(args.tags === undefined ? {} : { tags: { ...args.tags } }),
        description: "The pipeline controller's alerts.",
        scopes: [args.azureMonitorWorkspaceId],
        clusterName: args.clusterName,
        enabled: true,
        interval: "PT1M",
        rules: [
          {
            alert: "PipelineRolloutStuck",
            expression: STUCK_ROLLOUT_EXPRESSION,
            for: wait,
            severity: 2,
            enabled: true,
            annotations: {
              description:
                "A model's pipeline phase has outlasted its expected time: see `npx ai-platform pipeline status <model>` (no canary traffic, unreachable inference metrics, or a failing pass).",
            },
            resolveConfiguration: { autoResolved: true, timeToResolve: "PT10M" },
            actions: [{ actionGroupId: args.actionGroupId }],
          },
        ],
      },
      { parent: this },
    );
    this.ruleGroupId = group.id;
    this.registerOutputs({ ruleGroupId: this.ruleGroupId });
  }
}
