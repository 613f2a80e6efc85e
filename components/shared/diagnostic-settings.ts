/**
 * The uniform `diagnosticSettings` interface (AVM spec RMFR4): send a resource's logs and metrics to a
 * Log Analytics workspace the caller owns. The component never creates the workspace.
 */
import * as monitor from "@pulumi/azure-native/monitor";
import type * as pulumi from "@pulumi/pulumi";

/** Where and what a resource sends to Log Analytics. */
export interface DiagnosticSettings {
  /** Resource id of the Log Analytics workspace that receives the logs and metrics. */
  workspaceId: pulumi.Input<string>;
  /**
   * Log categories to send. Defaults to the component's choice: the evergreen `allLogs` category group,
   * or a curated list where `allLogs` is too expensive (AKS: `kube-audit` is excluded).
   */
  logCategories?: readonly string[];
  /** Metric categories to send. Defaults to `["AllMetrics"]` where the resource has metrics. */
  metricCategories?: readonly string[];
}

/** What a component sends when the caller names no categories. */
export interface DiagnosticDefaults {
  /** `"allLogs"` (the category group), an explicit category list, or `"none"` for a resource without logs. */
  logs: "allLogs" | "none" | readonly string[];
  /** Whether the resource has platform metrics (`AllMetrics`). */
  metrics: boolean;
  /** Whether the resource writes resource-specific tables (`Dedicated`) rather than `AzureDiagnostics`. */
  dedicated: boolean;
}

/** The `logs`, `metrics` and destination type of a diagnostic setting. Pure. */
export function diagnosticSettingInputs(settings: DiagnosticSettings, defaults: DiagnosticDefaults) {
  const logs =
    settings.logCategories !== undefined
      ? settings.logCategories.map((category) => ({ category, enabled: true }))
      : defaults.logs === "allLogs"
        ? [{ categoryGroup: "allLogs", enabled: true }]
        : defaults.logs === "none"
          ? []
          : defaults.logs.map((category) => ({ category, enabled: true }));
  const metrics = (settings.metricCategories ?? (defaults.metrics ? ["AllMetrics"] : [])).map((category) => ({
    category,
    enabled: true,
  }));
  return { logs, metrics, logAnalyticsDestinationType: defaults.dedicated ? "Dedicated" : undefined };
}

/**
 * Creates the diagnostic setting `<name>-diagnostics` on `resourceUri` when `settings` is given.
 * Returns `undefined` when it is not: diagnostics are opt-in per resource, as in AVM.
 */
export function addDiagnosticSetting(
  name: string,
  resourceUri: pulumi.Input<string>,
  settings: DiagnosticSettings | undefined,
  defaults: DiagnosticDefaults,
  parent: pulumi.Resource,
): monitor.DiagnosticSetting | undefined {
  if (settings === undefined) return undefined;
  return new monitor.DiagnosticSetting(
    `${name}-diagnostics`,
    {
      name: `${name}-diagnostics`,
      resourceUri,
      workspaceId: settings.workspaceId,
      ...diagnosticSettingInputs(settings, defaults),
    },
    { parent },
  );
}
