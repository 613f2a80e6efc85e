import * as containerservice from "@pulumi/azure-native/containerservice";
import { resourceRule } from "../lib/define";
import { show } from "../lib/strings";

/** Secrets mounted through the CSI driver follow rotations in Key Vault. */
export const azureAksSecretRotation = resourceRule(
  {
    name: "azure-aks-secret-rotation",
    description:
      'AKS clusters that run the Key Vault Secrets Store CSI provider must enable secret rotation (`config.enableSecretRotation: "true"`). Without it a rotated or revoked secret stays mounted until the pod restarts. Rotation is off when unset.',
    severity: "medium",
    enforcementLevel: "mandatory",
    exemptible: true,
    remediationSteps:
      'Set `addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation: "true"` (optionally `rotationPollInterval`).',
    controls: [
      {
        source: "psrule",
        id: "Azure.AKS.SecretStoreRotation",
        title: "Rotate Secrets Store CSI driver secrets automatically",
      },
      {
        source: "checkov",
        id: "CKV_AZURE_172",
        title: "Ensure autorotation of Secrets Store CSI Driver secrets for AKS clusters",
      },
    ],
  },
  containerservice.ManagedCluster,
  (props, report) => {
    const provider = props.addonProfiles?.azureKeyvaultSecretsProvider;
    if (provider?.enabled !== true) return;
    const rotation = provider.config?.enableSecretRotation;
    if (rotation !== "true")
      report(
        `addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation is ${show(rotation)}.`,
        'set `config.enableSecretRotation: "true"`.',
      );
  },
);
