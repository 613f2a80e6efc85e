import * as containerregistry from "@pulumi/azure-native/containerregistry";
import { resourceRule } from "../lib/define";
import { eqi, show } from "../lib/strings";

/** Images cannot be exported out of the registry to another one. */
export const azureAcrExportDisabled = resourceRule(
  {
    name: "azure-acr-export-disabled",
    description:
      'Container registries must disable export (`policies.exportPolicy.status: "disabled"`), so nobody with pull rights can copy every artifact to a registry outside the platform. Export is enabled when unset, and Azure accepts the disabled status only with public network access disabled.',
    severity: "medium",
    enforcementLevel: "mandatory",
    exemptible: true,
    remediationSteps:
      'Set `publicNetworkAccess: "Disabled"` with a private endpoint and `policies.exportPolicy.status: "disabled"` (the ContainerRegistry component does both when it is private).',
    controls: [
      { source: "psrule", id: "Azure.ACR.ExportPolicy", title: "Disable exporting artifacts out of the registry" },
      { source: "azure-policy", id: "524b0254", title: "Container registries should have exports disabled" },
    ],
  },
  containerregistry.Registry,
  (props, report) => {
    const status = props.policies?.exportPolicy?.status;
    if (!eqi(status, "disabled"))
      report(
        `policies.exportPolicy.status is ${show(status)} (service default "enabled").`,
        'make the registry private and set `policies.exportPolicy.status: "disabled"`.',
      );
  },
);
