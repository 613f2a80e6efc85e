import * as keyvault from "@pulumi/azure-native/keyvault";
import { resourceRule } from "../lib/define";

/** Soft delete stays on with a long enough retention. */
export const azureKvSoftDelete = resourceRule(
  {
    name: "azure-kv-soft-delete",
    description:
      "Key vaults must keep soft delete enabled with at least the configured retention. Deleted objects can then be recovered; soft delete is on by default and cannot be turned off on new vaults.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
      "Remove `enableSoftDelete: false` and set `properties.softDeleteRetentionInDays` to at least the configured minimum.",
    controls: [
      { source: "azure-policy", id: "1e66c121", title: "Key vaults should have soft delete enabled" },
      { source: "checkov", id: "CKV_AZURE_111", title: "Ensure that key vault enables soft delete" },
      { source: "cis-azure", id: "v2.0.0 8.5", title: "Ensure the Key Vault is Recoverable" },
      { source: "psrule", id: "Azure.KeyVault.SoftDelete", title: "Enable soft delete" },
    ],
    config: {
      minRetentionDays: {
        type: "number",
        minimum: 7,
        maximum: 90,
        default: 7,
        description: "Smallest accepted `softDeleteRetentionInDays`.",
      },
    },
  },
  keyvault.Vault,
  (props, report, config: { minRetentionDays: number }) => {
    const p = props.properties;
    if (p?.enableSoftDelete === false) report("properties.enableSoftDelete is false.", "remove it or set it to true.");
    const days = p?.softDeleteRetentionInDays ?? 90;
    if (days < config.minRetentionDays)
      report(
        `properties.softDeleteRetentionInDays is ${days}, below the minimum of ${config.minRetentionDays}.`,
        `set it to at least ${config.minRetentionDays}.`,
      );
  },
);
