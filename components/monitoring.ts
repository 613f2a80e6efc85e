/**
 * The platform's observability backbone: a Log Analytics workspace and a workspace-based Application
 * Insights, both Entra-only (local auth off), and the action group alerts notify. Metric alerts on the
 * services are `BaselineAlerts`, created once the services exist (they need this workspace first).
 */
import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as monitor from "@pulumi/azure-native/monitor";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as pulumi from "@pulumi/pulumi";
import { addDiagnosticSetting } from "./shared/diagnostic-settings";
import { addLock, type Lock } from "./shared/lock";
import type { PlacementArgs } from "./shared/placement";
import { assignRoles, type RoleAssignment } from "./shared/role-assignments";

/** Arguments of {@link Monitoring}. */
export interface MonitoringArgs extends PlacementArgs {
  /** Days logs are kept (30-730). Defaults to 30, what the PerGB2018 price includes. */
  retentionInDays?: number;
  /** Daily ingestion cap in GB. Defaults to none: a cap silently drops security logs once reached. */
  dailyCapGb?: number;
  /** Addresses the action group e-mails (common alert schema). Defaults to none: the group exists without receivers. */
  alertEmails?: readonly string[];
  /**
   * Send the workspace's own audit logs (who queried what) and metrics to itself. Defaults to `true`;
   * this is Monitoring's form of the `diagnosticSettings` interface, since it is the destination.
   */
  auditLogs?: boolean;
  /**
   * Also create a workspace for Microsoft Defender for Containers (`defenderWorkspaceId`). Defender's publisher
   * pods authenticate with workspace keys only and crash-loop against the Entra-only platform workspace, and
   * AKS requires a workspace id when Defender is on, so Defender gets its own workspace with local auth
   * enabled, holding Defender's telemetry and nothing else. Defaults to `false`.
   */
  defenderWorkspace?: boolean;
  /** Management lock on the workspace. Defaults to none. */
  lock?: Lock;
  /** RBAC grants on the workspace, for example `Log Analytics Reader` for operators. Defaults to none. */
  roleAssignments?: readonly RoleAssignment[];
  /**
   * RBAC grants on Application Insights. With local auth off, telemetry needs Entra: grant the workloads'
   * identities `Monitoring Metrics Publisher` here. Defaults to none.
   */
  appInsightsRoleAssignments?: readonly RoleAssignment[];
}

/** A short name for the action group (at most 12 characters, shown in SMS and e-mail). Pure. */
export function actionGroupShortName(name: string): string {
  return name.replace(/[^A-Za-z0-9-]/g, "").slice(0, 12) || "alerts";
}

/** Log Analytics, Application Insights and the alert action group. */
export class Monitoring extends pulumi.ComponentResource {
  /** Resource id of the Log Analytics workspace (what every `diagnosticSettings.workspaceId` takes). */
  readonly workspaceId: pulumi.Output<string>;
  /** Name of the workspace. */
  readonly workspaceName: pulumi.Output<string>;
  /** Workspace (customer) id, the GUID agents and queries use. */
  readonly workspaceCustomerId: pulumi.Output<string>;
  /** Resource id of Application Insights. */
  readonly appInsightsId: pulumi.Output<string>;
  /** Application Insights connection string (no secret in it: ingestion needs an Entra token). */
  readonly appInsightsConnectionString: pulumi.Output<string>;
  /** Resource id of the action group alerts notify. */
  readonly actionGroupId: pulumi.Output<string>;
  /** Resource id of the Defender workspace; unset without `defenderWorkspace`. */
  readonly defenderWorkspaceId?: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:monitoring:Monitoring", name, {}, opts);
    const retention = args.retentionInDays ?? 30;
    const errors: string[] = [];
    if (!Number.isInteger(retention) || retention < 30 || retention > 730) {
      errors.push(`retentionInDays (${retention}) must be a whole number of days from 30 to 730`);
    }
    if (args.dailyCapGb !== undefined && !(args.dailyCapGb > 0))
      errors.push(`dailyCapGb (${args.dailyCapGb}) must be positive`);
    (args.alertEmails ?? []).forEach((email, i) => {
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
        errors.push(`alertEmails[${i}] ("${email}") is not an e-mail address`);
    });
    if (errors.length > 0) throw new Error(`Monitoring ${name}: ${errors.join("; ")}`);

    const workspace = new operationalinsights.Workspace(
      `${name}-logs`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        tags: args.tags,
        sku: { name: "PerGB2018" },
        retentionInDays: retention,
        workspaceCapping: { dailyQuotaGb: args.dailyCapGb ?? -1 },
        features: { disableLocalAuth: true, enableLogAccessUsingOnlyResourcePermissions: true },
        // Closing these needs an Azure Monitor Private Link Scope, which the platform does not create.
        publicNetworkAccessForIngestion: "Enabled",
        publicNetworkAccessForQuery: "Enabled",
      },
      { parent: this },
    );

    const appInsights = new applicationinsights.Component(
      `${name}-appinsights`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        tags: args.tags,
        kind: "web",
        applicationType: "web",
        workspaceResourceId: workspace.id,
        ingestionMode: "LogAnalytics",
        disableLocalAuth: true,
        disableIpMasking: false,
        publicNetworkAccessForIngestion: "Enabled",
        publicNetworkAccessForQuery: "Enabled",
      },
      { parent: this },
    );

    const actionGroup = new monitor.ActionGroup(
      `${name}-alerts`,
      {
        resourceGroupName: args.resourceGroupName,
        location: "global",
        tags: args.tags,
        groupShortName: actionGroupShortName(name),
        enabled: true,
        emailReceivers: (args.alertEmails ?? []).map((emailAddress, i) => ({
          name: `email-${i}`,
          emailAddress,
          useCommonAlertSchema: true,
        })),
      },
      { parent: this },
    );

    if (args.auditLogs !== false) {
      addDiagnosticSetting(
        name,
        workspace.id,
        { workspaceId: workspace.id },
        { logs: ["Audit"], metrics: true, dedicated: false },
        this,
      );
    }
    addLock(name, workspace.id, args.lock, this);
    assignRoles(name, workspace.id, args.roleAssignments, this);
    assignRoles(`${name}-appinsights`, appInsights.id, args.appInsightsRoleAssignments, this);

    this.workspaceId = workspace.id;
    this.workspaceName = workspace.name;
    this.workspaceCustomerId = workspace.customerId;
    this.appInsightsId = appInsights.id;
    this.appInsightsConnectionString = appInsights.connectionString;
    this.actionGroupId = actionGroup.id;
    if (args.defenderWorkspace === true) {
      const defender = new operationalinsights.Workspace(
        `${name}-defender`,
        {
          resourceGroupName: args.resourceGroupName,
          location: args.location,
          tags: args.tags,
          sku: { name: "PerGB2018" },
          retentionInDays: retention,
          workspaceCapping: { dailyQuotaGb: -1 },
          // Local auth on: Defender's publisher supports workspace keys only (Microsoft-Defender-for-Cloud#1010).
          features: { disableLocalAuth: false, enableLogAccessUsingOnlyResourcePermissions: true },
          publicNetworkAccessForIngestion: "Enabled",
          publicNetworkAccessForQuery: "Enabled",
        },
        { parent: this },
      );
      this.defenderWorkspaceId = defender.id;
    }
    this.registerOutputs({
      workspaceId: this.workspaceId,
      workspaceName: this.workspaceName,
      workspaceCustomerId: this.workspaceCustomerId,
      appInsightsId: this.appInsightsId,
      appInsightsConnectionString: this.appInsightsConnectionString,
      actionGroupId: this.actionGroupId,
      defenderWorkspaceId: this.defenderWorkspaceId,
    });
  }
}
