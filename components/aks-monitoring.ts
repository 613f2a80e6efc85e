/**
 * Data collection for one AKS cluster: managed Prometheus (an Azure Monitor workspace, a data collection
 * endpoint and rule, and the rule's association with the cluster) and Container Insights with Entra auth
 * (a data collection rule for the `ContainerInsights` extension and its association). Created by `AksCluster`.
 */
import * as monitor from "@pulumi/azure-native/monitor";
import * as pulumi from "@pulumi/pulumi";

/** The streams Container Insights collects (ContainerLogV2 rather than the legacy ContainerLog). */
export const containerInsightsStreams: readonly string[] = [
  "Microsoft-ContainerLogV2",
  "Microsoft-KubeEvents",
  "Microsoft-KubePodInventory",
  "Microsoft-KubeNodeInventory",
  "Microsoft-KubePVInventory",
  "Microsoft-KubeServices",
  "Microsoft-KubeMonAgentEvents",
  "Microsoft-InsightsMetrics",
  "Microsoft-ContainerInventory",
  "Microsoft-ContainerNodeInventory",
  "Microsoft-Perf",
];

/**
 * Longest data collection endpoint name Azure accepts (ARM's API contract does not say; the service rejects
 * longer ones, Azure/ARO-HCP#457). The Azure Monitor workspace is kept to the same length for safety.
 */
export const MONITOR_NAME_MAX = 44;

/** `base` cut to `max` characters without a trailing hyphen. Pure. */
export function boundedName(base: string, max: number = MONITOR_NAME_MAX): string {
  return base.slice(0, max).replace(/-+$/, "");
}

/** Namespaces whose container logs are not collected (aks-baseline): platform noise, not workload evidence. */
export const excludedLogNamespaces: readonly string[] = ["kube-system", "gatekeeper-system"];

/** Arguments of {@link AksMonitoring}. */
export interface AksMonitoringArgs {
  resourceGroupName: pulumi.Input<string>;
  location: pulumi.Input<string>;
  tags?: Readonly<Record<string, string>>;
  /** The cluster the rules are associated with. */
  clusterId: pulumi.Input<string>;
  /** Log Analytics workspace Container Insights writes to. */
  workspaceId: pulumi.Input<string>;
}

/** Managed Prometheus and Container Insights data collection for one cluster. */
export class AksMonitoring extends pulumi.ComponentResource {
  /** Resource id of the Azure Monitor workspace that stores the Prometheus metrics (Grafana reads it). */
  readonly azureMonitorWorkspaceId: pulumi.Output<string>;

  constructor(name: string, args: AksMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:monitoring:AksMonitoring", name, {}, opts);
    const placement = { resourceGroupName: args.resourceGroupName, location: args.location, tags: args.tags };

    // Closing these endpoints needs an Azure Monitor Private Link Scope, which the platform does not create.
    // Explicit names (resource-group scoped, no suffix needed): an auto-name adds 8 characters and broke the
    // 44-character endpoint limit for every stack.
    const metricsWorkspace = new monitor.AzureMonitorWorkspace(
      `${name}-prometheus`,
      {
        ...placement,
        azureMonitorWorkspaceName: boundedName(`${name}-amw`),
        publicNetworkAccess: "Enabled",
      },
      { parent: this, deleteBeforeReplace: true },
    );
    const endpoint = new monitor.DataCollectionEndpoint(
      `${name}-prometheus-dce`,
      {
        ...placement,
        dataCollectionEndpointName: boundedName(`${name}-dce`),
        kind: "Linux",
        networkAcls: { publicNetworkAccess: "Enabled" },
      },
      { parent: this, deleteBeforeReplace: true },
    );
    const prometheusRule = new monitor.DataCollectionRule(
      `${name}-prometheus-dcr`,
      {
        ...placement,
        kind: "Linux",
        dataCollectionEndpointId: endpoint.id,
        dataSources: {
          prometheusForwarder: [
            { name: "PrometheusDataSource", streams: ["Microsoft-PrometheusMetrics"], labelIncludeFilter: {} },
          ],
        },
        destinations: { monitoringAccounts: [{ name: "MonitoringAccount1", accountResourceId: metricsWorkspace.id }] },
        dataFlows: [{ streams: ["Microsoft-PrometheusMetrics"], destinations: ["MonitoringAccount1"] }],
      },
      { parent: this },
    );
    new monitor.DataCollectionRuleAssociation(
      `${name}-prometheus-dcra`,
      { resourceUri: args.clusterId, associationName: "prometheus-metrics", dataCollectionRuleId: prometheusRule.id },
      { parent: this },
    );

    const insightsRule = new monitor.DataCollectionRule(
      `${name}-insights-dcr`,
      {
        ...placement,
        kind: "Linux",
        dataSources: {
          extensions: [
            {
              name: "ContainerInsightsExtension",
              extensionName: "ContainerInsights",
              streams: [...containerInsightsStreams],
              extensionSettings: {
                dataCollectionSettings: {
                  interval: "1m",
                  namespaceFilteringMode: "Exclude",
                  namespaces: [...excludedLogNamespaces],
                  enableContainerLogV2: true,
                },
              },
            },
          ],
        },
        destinations: { logAnalytics: [{ name: "ciworkspace", workspaceResourceId: args.workspaceId }] },
        dataFlows: [{ streams: [...containerInsightsStreams], destinations: ["ciworkspace"] }],
      },
      { parent: this },
    );
    // The omsagent add-on with useAADAuth looks for an association with exactly this name.
    new monitor.DataCollectionRuleAssociation(
      `${name}-insights-dcra`,
      {
        resourceUri: args.clusterId,
        associationName: "ContainerInsightsExtension",
        dataCollectionRuleId: insightsRule.id,
      },
      { parent: this },
    );

    this.azureMonitorWorkspaceId = metricsWorkspace.id;
    this.registerOutputs({ azureMonitorWorkspaceId: this.azureMonitorWorkspaceId });
  }
}
