import * as containerservice from "@pulumi/azure-native/containerservice";
import { resourceRule } from "../lib/define";

/** Kubernetes RBAC stays on. */
export const azureAksRbacEnabled = resourceRule(
  {
    name: "azure-aks-rbac-enabled",
    description:
      "AKS clusters must keep Kubernetes role-based access control enabled. Without it every authenticated identity can act on every object in the cluster. Unset passes, unlike PSRule: AKS enables RBAC when the field is absent.",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps: "Remove `enableRBAC: false` (the default is true) or set `enableRBAC: true`.",
    controls: [
      {
        source: "azure-policy",
        id: "ac4a19c2",
        title: "Role-Based Access Control (RBAC) should be used on Kubernetes Services",
      },
      { source: "checkov", id: "CKV_AZURE_5", title: "Ensure RBAC is enabled on AKS clusters" },
      { source: "psrule", id: "Azure.AKS.UseRBAC", title: "Keep Kubernetes RBAC enabled" },
    ],
  },
  containerservice.ManagedCluster,
  (props, report) => {
    if (props.enableRBAC === false) report("enableRBAC is false.", "set `enableRBAC: true`.");
  },
);
