import { stackRule } from "../lib/define";
import { enablesLog, settingsOf } from "../lib/diagnostics";
import { ofType } from "../lib/links";

const CLUSTER = "azure-native:containerservice:ManagedCluster";

/** API-server audit events and Entra authentication decisions are kept. */
export const azureAksAuditLogs = stackRule(
  {
    name: "azure-aks-audit-logs",
    description:
      "Every AKS cluster must have a diagnostic setting that enables the Kubernetes audit log (`kube-audit` or `kube-audit-admin`) and the Entra authentication log (`guard`); the category groups `audit` and `allLogs` include both. Without them nobody can tell who changed or read what in the cluster.",
    severity: "medium",
    enforcementLevel: "mandatory",
    exemptible: true,
    remediationSteps:
      "Pass `diagnosticSettings` to the AksCluster component (its categories include `kube-audit-admin` and `guard`), or enable those categories in a DiagnosticSetting of the cluster.",
    controls: [
      { source: "psrule", id: "Azure.AKS.AuditLogs", title: "Collect kube-audit and guard logs" },
      { source: "azure-policy", id: "245fc9df", title: "Resource logs in Azure Kubernetes Service should be enabled" },
    ],
  },
  [CLUSTER, "azure-native:monitor:DiagnosticSetting"],
  (args, report, _config, isExempt) => {
    for (const cluster of ofType(args.resources, CLUSTER)) {
      if (isExempt(cluster.name)) continue;
      const settings = settingsOf(args, cluster);
      const groups = ["audit", "allLogs"];
      const audit = settings.some((s) => enablesLog(s, ["kube-audit", "kube-audit-admin"], groups));
      const guard = settings.some((s) => enablesLog(s, ["guard"], groups));
      if (!audit || !guard)
        report(
          cluster.urn,
          `the diagnostic settings of ${cluster.name} do not enable ${[audit ? "" : "kube-audit(-admin)", guard ? "" : "guard"].filter(Boolean).join(" or ")}.`,
          "enable `kube-audit-admin` and `guard` (or the `audit` category group) in a diagnostic setting of the cluster.",
        );
    }
  },
);
