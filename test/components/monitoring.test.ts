import { describe, expect, it } from "vitest";
import { BaselineAlerts, baselineAlertRules, type BaselineAlertsArgs } from "../../components/baseline-alerts";
import { actionGroupShortName, Monitoring, type MonitoringArgs } from "../../components/monitoring";
import { unwrap, type RegisteredResource } from "../support/pulumi-mocks";
import { countByType, diffRuns, memoize, named, ofType, record } from "./helpers";

const base: MonitoringArgs = { resourceGroupName: "rg", location: "westeurope", tags: { env: "test" } };
const construct = (args: Partial<MonitoringArgs> = {}) => record(() => new Monitoring("mon", { ...base, ...args }));
const build = memoize(construct);
const WORKSPACE = "azure-native:operationalinsights:Workspace";
const workspace = (resources: readonly RegisteredResource[]) => named(resources, WORKSPACE, "mon-logs");

describe("Monitoring", () => {
  it("creates the workspace, Application Insights, the action group and the workspace's audit setting", async () => {
    const { resources } = await build();
    expect(countByType(resources)).toEqual({
      "ai-platform:monitoring:Monitoring": 1,
      [WORKSPACE]: 1,
      "azure-native:applicationinsights:Component": 1,
      "azure-native:monitor:ActionGroup": 1,
      "azure-native:monitor:DiagnosticSetting": 1,
    });
  });

  it("turns local auth off on the workspace and on workspace-based Application Insights", async () => {
    const { resources } = await build();
    const workspaceId = workspace(resources).state.id;
    expect(workspace(resources).inputs).toEqual({
      resourceGroupName: "rg",
      location: "westeurope",
      tags: { env: "test" },
      sku: { name: "PerGB2018" },
      retentionInDays: 30,
      workspaceCapping: { dailyQuotaGb: -1 },
      features: { disableLocalAuth: true, enableLogAccessUsingOnlyResourcePermissions: true },
      publicNetworkAccessForIngestion: "Enabled",
      publicNetworkAccessForQuery: "Enabled",
    });
    expect(named(resources, "azure-native:applicationinsights:Component", "mon-appinsights").inputs).toEqual({
      resourceGroupName: "rg",
      location: "westeurope",
      tags: { env: "test" },
      kind: "web",
      applicationType: "web",
      workspaceResourceId: workspaceId,
      ingestionMode: "LogAnalytics",
      disableLocalAuth: true,
      disableIpMasking: false,
      publicNetworkAccessForIngestion: "Enabled",
      publicNetworkAccessForQuery: "Enabled",
      flowType: "Bluefield", // filled in by the SDK
      requestSource: "rest", // filled in by the SDK
    });
    expect(named(resources, "azure-native:monitor:DiagnosticSetting", "mon-diagnostics").inputs).toEqual({
      name: "mon-diagnostics",
      resourceUri: workspaceId,
      workspaceId,
      logs: [{ category: "Audit", enabled: true }],
      metrics: [{ category: "AllMetrics", enabled: true }],
    });
  });

  it("creates a global action group that e-mails with the common alert schema", async () => {
    const { resources } = await build({ alertEmails: ["ops@example.com", "oncall@example.com"] });
    expect(named(resources, "azure-native:monitor:ActionGroup", "mon-alerts").inputs).toEqual({
      resourceGroupName: "rg",
      location: "global",
      tags: { env: "test" },
      groupShortName: "mon",
      enabled: true,
      emailReceivers: [
        { name: "email-0", emailAddress: "ops@example.com", useCommonAlertSchema: true },
        { name: "email-1", emailAddress: "oncall@example.com", useCommonAlertSchema: true },
      ],
    });
  });

  it("exposes the workspace, Application Insights and action group", async () => {
    const { result, resources } = await build();
    expect(await unwrap(result.workspaceId)).toBe(workspace(resources).state.id);
    expect(await unwrap(result.workspaceCustomerId)).toBe(workspace(resources).state.customerId);
    expect(await unwrap(result.appInsightsConnectionString)).toMatch(/^InstrumentationKey=/);
    expect(await unwrap(result.actionGroupId)).toBe(
      named(resources, "azure-native:monitor:ActionGroup", "mon-alerts").state.id,
    );
  });

  it.each([
    [{ retentionInDays: 365 }, [`${WORKSPACE}::mon-logs.retentionInDays`]],
    [{ dailyCapGb: 5 }, [`${WORKSPACE}::mon-logs.workspaceCapping.dailyQuotaGb`]],
    [{ auditLogs: false }, ["-azure-native:monitor:DiagnosticSetting::mon-diagnostics"]],
    [{ alertEmails: ["ops@example.com"] }, ["azure-native:monitor:ActionGroup::mon-alerts.emailReceivers"]],
  ])("%j changes exactly %j", async (optOut, paths) => {
    const before = await build();
    const after = await build(optOut);
    expect(diffRuns(before.resources, after.resources)).toEqual(paths);
  });

  it("adds a lock and grants on the workspace and on Application Insights only when asked", async () => {
    const before = await build();
    const after = await build({
      lock: { kind: "CanNotDelete" },
      roleAssignments: [{ roleDefinitionIdOrName: "Reader", principalId: "ops", principalType: "Group" }],
      appInsightsRoleAssignments: [
        { roleDefinitionIdOrName: "Monitoring Metrics Publisher", principalId: "inference" },
      ],
    });
    expect(diffRuns(before.resources, after.resources)).toEqual([
      "+azure-native:authorization:ManagementLockByScope::mon-lock",
      "+azure-native:authorization:RoleAssignment::mon-appinsights-role-0",
      "+azure-native:authorization:RoleAssignment::mon-role-0",
    ]);
    const appInsightsId = named(after.resources, "azure-native:applicationinsights:Component", "mon-appinsights").state
      .id;
    expect(
      named(after.resources, "azure-native:authorization:RoleAssignment", "mon-appinsights-role-0").inputs,
    ).toMatchObject({
      scope: appInsightsId,
      principalId: "inference",
      principalType: "ServicePrincipal",
      roleDefinitionId:
        "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/3913510d-42f4-4e42-8a64-420c390055eb",
    });
  });

  it("keeps role-assignment names stable across two runs", async () => {
    const args = {
      appInsightsRoleAssignments: [
        { roleDefinitionIdOrName: "Monitoring Metrics Publisher", principalId: "inference" },
      ],
    };
    const names = async () =>
      ofType((await construct(args)).resources, "azure-native:authorization:RoleAssignment").map(
        (r) => r.inputs.roleAssignmentName,
      );
    expect(await names()).toEqual(await names());
  });

  it.each([
    [{ retentionInDays: 29 }, "Monitoring mon: retentionInDays (29) must be a whole number of days from 30 to 730"],
    [{ retentionInDays: 731 }, "Monitoring mon: retentionInDays (731) must be a whole number of days from 30 to 730"],
    [{ dailyCapGb: 0 }, "Monitoring mon: dailyCapGb (0) must be positive"],
    [{ alertEmails: ["ops@example.com", "nope"] }, 'Monitoring mon: alertEmails[1] ("nope") is not an e-mail address'],
    [
      { retentionInDays: 10, dailyCapGb: -1 },
      "Monitoring mon: retentionInDays (10) must be a whole number of days from 30 to 730; dailyCapGb (-1) must be positive",
    ],
  ])("rejects %j", async (args, message) => {
    await expect(build(args)).rejects.toThrow(new Error(message));
  });

  it.each([
    ["mon", "mon"],
    ["ai-platform-monitoring", "ai-platform-"],
    ["__", "alerts"],
  ])("actionGroupShortName(%s) = %s", (name, expected) => {
    expect(actionGroupShortName(name)).toBe(expected);
  });
});

describe("BaselineAlerts", () => {
  const all: BaselineAlertsArgs = {
    resourceGroupName: "rg",
    actionGroupId: "action-group",
    cosmosAccountId: "cosmos-id",
    aksClusterId: "aks-id",
    keyVaultId: "kv-id",
    tags: { env: "test" },
  };

  it("creates one alert per baseline rule when every service is given", async () => {
    const { resources } = await record(() => new BaselineAlerts("alerts", all));
    expect(countByType(resources)).toEqual({
      "ai-platform:monitoring:BaselineAlerts": 1,
      "azure-native:monitor:MetricAlert": 6,
    });
    expect(ofType(resources, "azure-native:monitor:MetricAlert").map((r) => r.name)).toEqual([
      "alerts-aks-node-cpu",
      "alerts-aks-node-memory",
      "alerts-aks-unschedulable-pods",
      "alerts-cosmos-normalized-ru",
      "alerts-cosmos-throttling",
      "alerts-keyvault-availability",
    ]);
  });

  it("creates only the alerts of the services given", async () => {
    const { resources } = await record(
      () => new BaselineAlerts("alerts", { resourceGroupName: "rg", actionGroupId: "ag", keyVaultId: "kv-id" }),
    );
    expect(ofType(resources, "azure-native:monitor:MetricAlert").map((r) => r.name)).toEqual([
      "alerts-keyvault-availability",
    ]);
  });

  it("alerts on Cosmos DB 429s with a StatusCode dimension, routed to the action group", async () => {
    const { resources } = await record(() => new BaselineAlerts("alerts", all));
    expect(named(resources, "azure-native:monitor:MetricAlert", "alerts-cosmos-throttling").inputs).toEqual({
      resourceGroupName: "rg",
      location: "global",
      tags: { env: "test" },
      description:
        "Cosmos DB is throttling requests (HTTP 429): raise the container's autoscale maximum or spread the partition key.",
      severity: 2,
      enabled: true,
      autoMitigate: true,
      scopes: ["cosmos-id"],
      evaluationFrequency: "PT1M",
      windowSize: "PT5M",
      criteria: {
        odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
        allOf: [
          {
            criterionType: "StaticThresholdCriterion",
            name: "cosmos-throttling",
            metricNamespace: "Microsoft.DocumentDB/databaseAccounts",
            metricName: "TotalRequests",
            operator: "GreaterThan",
            threshold: 50,
            timeAggregation: "Count",
            dimensions: [{ name: "StatusCode", operator: "Include", values: ["429"] }],
          },
        ],
      },
      actions: [{ actionGroupId: "action-group" }],
    });
  });

  it("watches the platform's baseline metrics, on the right service", () => {
    expect(baselineAlertRules.map((r) => [r.target, r.metricName, r.operator, r.threshold])).toEqual([
      ["cosmos", "TotalRequests", "GreaterThan", 50],
      ["cosmos", "NormalizedRUConsumption", "GreaterThan", 70],
      ["aks", "node_cpu_usage_percentage", "GreaterThan", 95],
      ["aks", "node_memory_working_set_percentage", "GreaterThan", 100],
      ["aks", "cluster_autoscaler_unschedulable_pods_count", "GreaterThan", 0],
      ["keyVault", "Availability", "LessThan", 90],
    ]);
    for (const rule of baselineAlertRules) {
      const namespace = {
        cosmos: "Microsoft.DocumentDB/databaseAccounts",
        aks: "Microsoft.ContainerService/managedClusters",
        keyVault: "Microsoft.KeyVault/vaults",
      }[rule.target];
      expect(rule.metricNamespace).toBe(namespace);
    }
  });
});
