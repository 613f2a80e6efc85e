import { multiTypeRule } from "../lib/define";
import { WORKLOAD_TYPES, containersOf, effective, podTemplate } from "../lib/pod";

/** Containers run as a non-root user. */
export const k8sRunAsNonRoot = multiTypeRule(
  {
    name: "k8s-run-as-non-root",
    description:
      "Containers must run as a non-root user: `runAsNonRoot: true` on the pod or container, and never `runAsUser: 0`. A process that escapes a root container is root on the node.",
    severity: "high",
    enforcementLevel: "mandatory",
    exemptible: true,
    remediationSteps:
      "Set `securityContext: { runAsNonRoot: true, runAsUser: <uid > 0> }` on the pod, and a non-root `USER` in the image.",
    controls: [
      { source: "pss", id: "restricted", title: "Running as Non-root / Running as Non-root user" },
      { source: "checkov", id: "CKV_K8S_23", title: "Minimize the admission of root containers" },
      { source: "checkov", id: "CKV_K8S_40", title: "Containers should run as a high UID to avoid host conflict" },
      {
        source: "azure-policy",
        id: "f06ddb64",
        title: "Kubernetes cluster pods and containers should only run with approved user and group IDs",
      },
    ],
  },
  WORKLOAD_TYPES,
  (props, report, _config, args) => {
    const { spec } = podTemplate(args.type, props);
    for (const { label, container } of containersOf(spec)) {
      if (effective(spec, container, "runAsUser") === 0)
        report(`${label} runs as user 0 (root).`, "set `runAsUser` to a non-zero uid.");
      else if (effective(spec, container, "runAsNonRoot") !== true)
        report(
          `${label} does not set runAsNonRoot: true (neither the container nor the pod does).`,
          "set `securityContext.runAsNonRoot: true` on the pod.",
        );
    }
  },
);
