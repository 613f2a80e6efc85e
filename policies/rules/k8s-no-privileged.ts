import { multiTypeRule } from "../lib/define";
import { WORKLOAD_TYPES, containersOf, podTemplate } from "../lib/pod";

/** No privileged containers and no sharing of the node's network, PID or IPC namespaces. */
export const k8sNoPrivileged = multiTypeRule(
  {
    name: "k8s-no-privileged",
    description:
      "Pods must not run privileged containers or share the node's network, process or IPC namespace. Each of these gives a container control over the node.",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps: "Remove `privileged: true`, `hostNetwork`, `hostPID` and `hostIPC` from the pod.",
    controls: [
      { source: "pss", id: "baseline", title: "Privileged Containers / Host Namespaces" },
      { source: "checkov", id: "CKV_K8S_16", title: "Container should not be privileged" },
      { source: "checkov", id: "CKV_K8S_17", title: "Containers should not share the host process ID namespace" },
      { source: "checkov", id: "CKV_K8S_18", title: "Containers should not share the host IPC namespace" },
      { source: "checkov", id: "CKV_K8S_19", title: "Containers should not share the host network namespace" },
      { source: "azure-policy", id: "95edb821", title: "Kubernetes cluster should not allow privileged containers" },
      {
        source: "azure-policy",
        id: "47a1ee2f",
        title: "Kubernetes cluster containers should not share host process ID or host IPC namespace",
      },
      {
        source: "cis-kubernetes",
        id: "5.2.2-5.2.5",
        title: "Minimize the admission of privileged containers and host namespaces",
      },
    ],
  },
  WORKLOAD_TYPES,
  (props, report, _config, args) => {
    const { spec } = podTemplate(args.type, props);
    for (const field of ["hostNetwork", "hostPID", "hostIPC"] as const)
      if (spec[field] === true) report(`the pod sets ${field}: true.`, `remove \`${field}\`.`);
    for (const { label, container } of containersOf(spec))
      if (container.securityContext?.privileged === true)
        report(`${label} is privileged.`, "remove `securityContext.privileged`.");
  },
);
