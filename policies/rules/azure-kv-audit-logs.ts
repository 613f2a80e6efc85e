import { stackRule } from "../lib/define";
import { enablesLog, settingsOf } from "../lib/diagnostics";
import { ofType } from "../lib/links";

const VAULT = "azure-native:keyvault:Vault";

/** Every read of a secret or key leaves an audit record. */
export const azureKvAuditLogs = stackRule(
  {
    name: "azure-kv-audit-logs",
    description:
      "Every key vault must have a diagnostic setting that enables its audit log (category `AuditEvent`, or the category group `audit` or `allLogs`). Other categories or metrics alone record nothing about who read which secret.",
    severity: "medium",
    enforcementLevel: "mandatory",
    exemptible: true,
    remediationSteps:
      'Pass `diagnosticSettings` to the KeyVault component (it enables `allLogs`), or add a DiagnosticSetting with `logs: [{ categoryGroup: "audit", enabled: true }]`.',
    controls: [
      { source: "psrule", id: "Azure.KeyVault.Logs", title: "Send Key Vault audit logs to a workspace" },
      { source: "azure-policy", id: "cf820ca0", title: "Resource logs in Key Vault should be enabled" },
      { source: "cis-azure", id: "v2.0.0 5.1.5", title: "Ensure that logging for Azure Key Vault is 'Enabled'" },
    ],
  },
  [VAULT, "azure-native:monitor:DiagnosticSetting"],
  (args, report, _config, isExempt) => {
    for (const vault of ofType(args.resources, VAULT)) {
      if (isExempt(vault.name)) continue;
      if (!settingsOf(args, vault).some((s) => enablesLog(s, ["AuditEvent"], ["audit", "allLogs"])))
        report(
          vault.urn,
          `no diagnostic setting of ${vault.name} enables AuditEvent (or the audit or allLogs group).`,
          'enable `{ categoryGroup: "audit", enabled: true }` in a diagnostic setting of the vault.',
        );
    }
  },
);
