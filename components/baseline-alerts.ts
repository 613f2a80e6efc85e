/**
 * Baseline metric alerts for the platform's services, after Azure Monitor Baseline Alerts (AMBA,
 * https://azure.github.io/azure-monitor-baseline-alerts): Cosmos DB throttling and RU saturation, AKS node
 * CPU and memory and unschedulable pods, Key Vault availability. Part of monitoring, but its own component
 * because the services it watches are created after the workspace they log to.
 */
import * as monitor from "@pulumi/azure-native/monitor";
import * as pulumi from "@pulumi/pulumi";

/** The services an alert can watch. */
export type AlertTarget = "cosmos" | "aks" | "keyVault";

/** One static-threshold metric alert, as data. */
export interface BaselineAlertRule {
  /** Stable key, used in the resource name. */
  readonly key: string;
  /** The service it watches. */
  readonly target: AlertTarget;
  /** What firing means, shown in the alert. */
  readonly description: string;
  /** 0 (critical) to 4 (verbose). */
  readonly severity: number;
  readonly metricNamespace: string;
  readonly metricName: string;
  readonly operator: "GreaterThan" | "LessThan";
  readonly threshold: number;
  readonly timeAggregation: "Average" | "Count" | "Maximum" | "Total";
  /** ISO 8601 evaluation frequency. */
  readonly evaluationFrequency: string;
  /** ISO 8601 look-back window. */
  readonly windowSize: string;
  readonly dimensions?: readonly { readonly name: string; readonly values: readonly string[] }[];
}

/** The baseline rules. Thresholds and windows are AMBA's unless a comment says why not. */
export const baselineAlertRules: readonly BaselineAlertRule[] = [
  {
    key: "cosmos-throttling",
    target: "cosmos",
    description:
      "Cosmos DB is throttling requests (HTTP 429): raise the container's autoscale maximum or spread the partition key.",
    severity: 2,
    metricNamespace: "Microsoft.DocumentDB/databaseAccounts",
    metricName: "TotalRequests",
    dimensions: [{ name: "StatusCode", values: ["429"] }],
    operator: "GreaterThan",
    threshold: 50,
    timeAggregation: "Count",
    evaluationFrequency: "PT1M",
    windowSize: "PT5M",
  },
  {
    key: "cosmos-normalized-ru",
    target: "cosmos",
    description: "Cosmos DB normalized RU consumption is above 70%: throttling is near.",
    severity: 3,
    metricNamespace: "Microsoft.DocumentDB/databaseAccounts",
    metricName: "NormalizedRUConsumption",
    operator: "GreaterThan",
    threshold: 70,
    timeAggregation: "Average",
    evaluationFrequency: "PT1M",
    windowSize: "PT5M",
  },
  {
    key: "aks-node-cpu",
    target: "aks",
    description: "AKS node CPU usage is above 95%.",
    severity: 3,
    metricNamespace: "Microsoft.ContainerService/managedClusters",
    metricName: "node_cpu_usage_percentage",
    operator: "GreaterThan",
    threshold: 95,
    timeAggregation: "Average",
    evaluationFrequency: "PT5M",
    windowSize: "PT5M",
  },
  {
    key: "aks-node-memory",
    target: "aks",
    description: "AKS node working-set memory is above 100% of allocatable: pods are being evicted.",
    severity: 3,
    metricNamespace: "Microsoft.ContainerService/managedClusters",
    metricName: "node_memory_working_set_percentage",
    operator: "GreaterThan",
    threshold: 100,
    timeAggregation: "Average",
    evaluationFrequency: "PT5M",
    windowSize: "PT5M",
  },
  {
    key: "aks-unschedulable-pods",
    target: "aks",
    description: "Pods stay unschedulable: the autoscaler cannot add nodes (quota, VM size or pool maximum).",
    severity: 3,
    metricNamespace: "Microsoft.ContainerService/managedClusters",
    metricName: "cluster_autoscaler_unschedulable_pods_count",
    operator: "GreaterThan",
    threshold: 0,
    timeAggregation: "Average",
    evaluationFrequency: "PT5M",
    // AMBA uses 5 minutes; a GPU pool scaling from zero needs several minutes to report allocatable GPUs.
    windowSize: "PT15M",
  },
  {
    key: "keyvault-availability",
    target: "keyVault",
    description: "Key Vault availability is below 90%: secret mounts and key operations are failing.",
    severity: 1,
    metricNamespace: "Microsoft.KeyVault/vaults",
    metricName: "Availability",
    operator: "LessThan",
    threshold: 90,
    timeAggregation: "Average",
    evaluationFrequency: "PT1M",
    windowSize: "PT5M",
  },
];

/** Arguments of {@link BaselineAlerts}. */
export interface BaselineAlertsArgs {
  /** Resource group that holds the alert rules. */
  resourceGroupName: pulumi.Input<string>;
  /** Action group every alert notifies (`Monitoring.actionGroupId`). */
  actionGroupId: pulumi.Input<string>;
  /** Cosmos DB account to watch. Defaults to none: no Cosmos DB alerts. */
  cosmosAccountId?: pulumi.Input<string>;
  /** AKS cluster to watch. Defaults to none: no AKS alerts. */
  aksClusterId?: pulumi.Input<string>;
  /** Key Vault to watch. Defaults to none: no Key Vault alerts. */
  keyVaultId?: pulumi.Input<string>;
  /** Tags on the alert rules. Defaults to none. */
  tags?: Readonly<Record<string, string>>;
}

/** One metric alert per baseline rule whose service is given, all notifying one action group. */
export class BaselineAlerts extends pulumi.ComponentResource {
  /** Resource ids of the alert rules, by rule key. */
  readonly alertIds: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: BaselineAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:monitoring:BaselineAlerts", name, {}, opts);
    const targets: Record<AlertTarget, pulumi.Input<string> | undefined> = {
      cosmos: args.cosmosAccountId,
      aks: args.aksClusterId,
      keyVault: args.keyVaultId,
    };

    this.alertIds = {};
    for (const rule of baselineAlertRules) {
      const scope = targets[rule.target];
      if (scope === undefined) continue;
      const alert = new monitor.MetricAlert(
        `${name}-${rule.key}`,
        {
          resourceGroupName: args.resourceGroupName,
          location: "global",
          tags: args.tags,
          description: rule.description,
          severity: rule.severity,
          enabled: true,
          autoMitigate: true,
          scopes: [scope],
          evaluationFrequency: rule.evaluationFrequency,
          windowSize: rule.windowSize,
          criteria: {
            odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
            allOf: [
              {
                criterionType: "StaticThresholdCriterion",
                name: rule.key,
                metricNamespace: rule.metricNamespace,
                metricName: rule.metricName,
                operator: rule.operator,
                threshold: rule.threshold,
                timeAggregation: rule.timeAggregation,
                dimensions: (rule.dimensions ?? []).map((d) => ({
                  name: d.name,
                  operator: "Include",
                  values: [...d.values],
                })),
              },
            ],
          },
          actions: [{ actionGroupId: args.actionGroupId }],
        },
        { parent: this },
      );
      this.alertIds[rule.key] = alert.id;
    }
    this.registerOutputs({ alertIds: this.alertIds });
  }
}
