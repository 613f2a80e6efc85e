import * as keyvault from "@pulumi/azure-native/keyvault";
import { resourceRule } from "../lib/define";
import { show } from "../lib/strings";

/** Deleted keys and secrets cannot be purged during the retention period. */
export const azureKvPurgeProtection = resourceRule(
  {
    name: "azure-kv-purge-protection",
    description:
      "Key vaults must enable purge protection. A deleted vault, key or secret then stays recoverable for the whole retention period, even against a malicious or mistaken purge.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
      "Set `properties.enablePurgeProtection: true` (irreversible; give vaults unique names so re-creation does not collide).",
    controls: [
      { source: "azure-policy", id: "0b60c0b2", title: "Key vaults should have deletion protection enabled" },
      { source: "checkov", id: "CKV_AZURE_110", title: "Ensure that key vault enables purge protection" },
      { source: "cis-azure", id: "v2.0.0 8.5", title: "Ensure the Key Vault is Recoverable" },
      { source: "psrule", id: "Azure.KeyVault.PurgeProtect", title: "Enable purge protection" },
    ],
  },
  keyvault.Vault,
  (props, report) => {
    const value = props.properties?.enablePurgeProtection;
    if (value !== true)
      report(`properties.enablePurgeProtection is ${show(value)}.`, "set `properties.enablePurgeProtection: true`.");
  },
);
