import { type PolicyResource } from "@pulumi/policy";
import { stackRule } from "../lib/define";
import { ofType, refersTo, safeRead } from "../lib/links";

const SETTING = "azure-native:monitor:DiagnosticSetting";

function sendsLogs(setting: PolicyResource, sinks: string[]): boolean {
  const props = setting.props as Record<string, unknown>;
  // `in` does not read the value, so an unknown (at preview) workspace id still counts as set.
  if (!sinks.some((s) => s in props)) return false;
  const logs = safeRead(() => props.logs as Array<{ enabled?: boolean }> | undefined) ?? [];
  return logs.some((l) => safeRead(() => l.enabled) === true);
}

/** Every data service sends its resource logs to a workspace. */
export const azureDiagnosticSettingsRequired = stackRule(
  {
    name: "azure-diagnostic-settings-required",
    description:
      "Every Cosmos DB account, key vault, container registry, storage account and AKS cluster must have a diagnostic setting that sends enabled resource logs to a sink. Without it, data access and control-plane actions leave no audit trail.",
    severity: "medium",
    enforcementLevel: "mandatory",
    exemptible: true,
    remediationSteps:
      "Pass `diagnosticSettings` (the Log Analytics workspace id) to the service's component; it creates a DiagnosticSetting with `allLogs` (a curated list for AKS) and `AllMetrics`.",
    controls: [
      { source: "azure-policy", id: "cf820ca0", title: "Resource logs in Key Vault should be enabled" },
      { source: "azure-policy", id: "245fc9df", title: "Resource logs in Azure Kubernetes Service should be enabled" },
      {
        source: "azure-policy",
        id: "68ba9fc9",
        title:
          "Enable logging by category group for Cosmos DB (microsoft.documentdb/databaseaccounts) to Log Analytics",
      },
      { source: "checkov", id: "CKV_AZURE_4", title: "Ensure AKS logging to Azure Monitoring is Configured" },
      { source: "cis-azure", id: "v2.0.0 5.1.5", title: "Ensure that logging for Azure Key Vault is 'Enabled'" },
    ],
    config: {
      serviceTypes: {
        type: "array",
        items: { type: "string" },
        default: [
          "azure-native:cosmosdb:DatabaseAccount",
          "azure-native:keyvault:Vault",
          "azure-native:containerregistry:Registry",
          "azure-native:storage:StorageAccount",
          "azure-native:containerservice:ManagedCluster",
        ],
        description: "Resource types that need a diagnostic setting.",
      },
      sinks: {
        type: "array",
        items: { type: "string" },
        default: ["workspaceId"],
        description:
          "DiagnosticSetting properties accepted as a destination (also storageAccountId, eventHubAuthorizationRuleId).",
      },
    },
  },
  [
    SETTING,
    "azure-native:cosmosdb:DatabaseAccount",
    "azure-native:keyvault:Vault",
    "azure-native:containerregistry:Registry",
    "azure-native:storage:StorageAccount",
    "azure-native:containerservice:ManagedCluster",
  ],
  (args, report, config: { serviceTypes: string[]; sinks: string[] }, isExempt) => {
    const settings = ofType(args.resources, SETTING);
    for (const service of args.resources) {
      if (!config.serviceTypes.includes(service.type) || isExempt(service.name)) continue;
      const linked = settings.filter((s) => refersTo(s, "resourceUri", service));
      if (linked.length === 0) {
        report(
          service.urn,
          `${service.name} (${service.type}) has no diagnostic setting.`,
          "add a DiagnosticSetting whose resourceUri is the service's id.",
        );
        continue;
      }
      if (!linked.some((s) => sendsLogs(s, config.sinks)))
        report(
          service.urn,
          `the diagnostic settings of ${service.name} send no enabled logs to ${config.sinks.join(" or ")}.`,
          "enable `allLogs` (or the service's audit categories) and set `workspaceId`.",
        );
    }
  },
);
