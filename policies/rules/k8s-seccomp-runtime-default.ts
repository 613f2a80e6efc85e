import { multiTypeRule } from "../lib/define";
import { WORKLOAD_TYPES, containersOf, effective, podTemplate } from "../lib/pod";
import { inListI, show } from "../lib/strings";

/** Containers run under the runtime's default seccomp profile (or a local one). */
export const k8sSeccompRuntimeDefault = multiTypeRule(
  {
    name: "k8s-seccomp-runtime-default",
    description:
      "Every container must run with the RuntimeDefault (or a Localhost) seccomp profile, set on the pod or the container. Without one, Kubernetes runs containers unconfined and every system call is allowed.",
    severity: "medium",
    enforcementLevel: "mandatory",
    exemptible: true,
    remediationSteps: 'Set `securityContext.seccompProfile: { type: "RuntimeDefault" }` on the pod.',
    controls: [
      { source: "pss", id: "restricted", title: "Seccomp" },
      {
        source: "checkov",
        id: "CKV_K8S_31",
        title: "Ensure that the seccomp profile is set to docker/default or runtime/default",
      },
      {
        source: "azure-policy",
        id: "975ce327",
        title: "Kubernetes cluster containers should only use allowed seccomp profiles",
      },
    ],
  },
  WORKLOAD_TYPES,
  (props, report, _config, args) => {
    const { spec } = podTemplate(args.type, props);
    for (const { label, container } of containersOf(spec)) {
      const type = effective(spec, container, "seccompProfile")?.type;
      if (!inListI(type, ["RuntimeDefault", "Localhost"]))
        report(
          `${label} runs with seccomp profile ${show(type)}.`,
          'set `seccompProfile.type: "RuntimeDefault"` on the pod.',
        );
    }
  },
);
