import { multiTypeRule } from "../lib/define";
import { WORKLOAD_TYPES, containersOf, podTemplate } from "../lib/pod";
import { show } from "../lib/strings";

/** No process can gain more privileges than its parent (setuid binaries, file capabilities). */
export const k8sNoPrivilegeEscalation = multiTypeRule(
  {
    name: "k8s-no-privilege-escalation",
    description:
      "Every container must set `allowPrivilegeEscalation: false`. Kubernetes allows escalation when the field is unset, so setuid binaries in an image could gain root.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps: "Set `securityContext.allowPrivilegeEscalation: false` on every container and init container.",
    controls: [
      { source: "pss", id: "restricted", title: "Privilege Escalation" },
      { source: "checkov", id: "CKV_K8S_20", title: "Containers should not run with allowPrivilegeEscalation" },
      {
        source: "azure-policy",
        id: "1c6e92c9",
        title: "Kubernetes clusters should not allow container privilege escalation",
      },
      {
        source: "cis-kubernetes",
        id: "5.2.6",
        title: "Minimize the admission of containers with allowPrivilegeEscalation",
      },
    ],
  },
  WORKLOAD_TYPES,
  (props, report, _config, args) => {
    for (const { label, container } of containersOf(podTemplate(args.type, props).spec)) {
      const value = container.securityContext?.allowPrivilegeEscalation;
      if (value !== false)
        report(
          `${label} has allowPrivilegeEscalation ${show(value)}.`,
          "set `securityContext.allowPrivilegeEscalation: false`.",
        );
    }
  },
);
