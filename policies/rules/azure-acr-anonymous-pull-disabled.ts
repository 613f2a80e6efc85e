import * as containerregistry from "@pulumi/azure-native/containerregistry";
import { resourceRule } from "../lib/define";

/** Images cannot be pulled without authentication. */
export const azureAcrAnonymousPullDisabled = resourceRule(
  {
    name: "azure-acr-anonymous-pull-disabled",
    description:
      "Container registries must disable anonymous pull. Otherwise anyone who can reach the registry can download the platform's images and the models baked into them.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps: "Set `anonymousPullEnabled: false`.",
    controls: [
      {
        source: "azure-policy",
        id: "9f2dea28",
        title: "Container registries should have anonymous authentication disabled.",
      },
      { source: "checkov", id: "CKV_AZURE_138", title: "Ensures that ACR disables anonymous pulling of images" },
      { source: "psrule", id: "Azure.ACR.AnonymousAccess", title: "Disable anonymous pull access" },
    ],
  },
  containerregistry.Registry,
  (props, report) => {
    if (props.anonymousPullEnabled === true)
      report("anonymousPullEnabled is true.", "set `anonymousPullEnabled: false`.");
  },
);
