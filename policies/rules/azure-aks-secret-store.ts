import * as containerservice from "@pulumi/azure-native/containerservice";
import { resourceRule } from "../lib/define";
import { show } from "../lib/strings";

/** Workloads read secrets from Key Vault through the Secrets Store CSI driver. */
export const azureAksSecretStore = resourceRule(
  {
    name: "azure-aks-secret-store",
    description:
      "AKS clusters must enable the Azure Key Vault provider for the Secrets Store CSI driver (`addonProfiles.azureKeyvaultSecretsProvider`), so workloads mount secrets from Key Vault instead of keeping them in Kubernetes Secrets. The add-on is off when unset.",
    severity: "medium",
    enforcementLevel: "mandatory",
    exemptible: true,
    remediationSteps:
      'Set `addonProfiles.azureKeyvaultSecretsProvider: { enabled: true, config: { enableSecretRotation: "true" } }`.',
    controls: [
      {
        source: "psrule",
        id: "Azure.AKS.SecretStore",
        title: "Use the Secrets Store CSI driver with Key Vault",
      },
    ],
  },
  containerservice.ManagedCluster,
  (props, report) => {
    const enabled = props.addonProfiles?.azureKeyvaultSecretsProvider?.enabled;
    if (enabled !== true)
      report(
        `addonProfiles.azureKeyvaultSecretsProvider.enabled is ${show(enabled)}.`,
        "set `addonProfiles.azureKeyvaultSecretsProvider.enabled: true`.",
      );
  },
);
