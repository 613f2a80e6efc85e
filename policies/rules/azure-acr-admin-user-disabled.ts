import * as containerregistry from "@pulumi/azure-native/containerregistry";
import { resourceRule } from "../lib/define";

/** No shared admin password for the registry. */
export const azureAcrAdminUserDisabled = resourceRule(
  {
    name: "azure-acr-admin-user-disabled",
    description:
      "Container registries must disable the admin user. Its shared password cannot be scoped or audited per identity; AKS pulls with its kubelet identity (AcrPull) and deployers push with Entra tokens.",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps: "Set `adminUserEnabled: false` and grant AcrPull/AcrPush roles instead.",
    controls: [
      {
        source: "azure-policy",
        id: "dc921057",
        title: "Container registries should have local admin account disabled.",
      },
      { source: "checkov", id: "CKV_AZURE_137", title: "Ensure ACR admin account is disabled" },
      { source: "psrule", id: "Azure.ACR.AdminUser", title: "Use Entra identities instead of the registry admin user" },
    ],
  },
  containerregistry.Registry,
  (props, report) => {
    if (props.adminUserEnabled === true) report("adminUserEnabled is true.", "set `adminUserEnabled: false`.");
  },
);
