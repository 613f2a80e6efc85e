import { multiTypeRule } from "../lib/define";
import { WORKLOAD_TYPES, containersOf, podTemplate } from "../lib/pod";
import { show } from "../lib/strings";

/** Container images cannot be modified at runtime. */
export const k8sReadOnlyRootFs = multiTypeRule(
  {
    name: "k8s-read-only-root-fs",
    description:
      "Every container must mount its root file system read-only. Writable paths (caches, temporary files) come from emptyDir volumes, so an attacker cannot change binaries in a running container.",
    severity: "medium",
    enforcementLevel: "mandatory",
    exemptible: true,
    remediationSteps:
      "Set `securityContext.readOnlyRootFilesystem: true` and mount an emptyDir at each path the process writes (for example /tmp).",
    controls: [
      { source: "checkov", id: "CKV_K8S_22", title: "Use read-only filesystem for containers where possible" },
      {
        source: "azure-policy",
        id: "df49d893",
        title: "Kubernetes cluster containers should run with a read only root file system",
      },
    ],
  },
  WORKLOAD_TYPES,
  (props, report, _config, args) => {
    for (const { label, container } of containersOf(podTemplate(args.type, props).spec)) {
      const value = container.securityContext?.readOnlyRootFilesystem;
      if (value !== true)
        report(
          `${label} has readOnlyRootFilesystem ${show(value)}.`,
          "set `securityContext.readOnlyRootFilesystem: true` and use emptyDir for writable paths.",
        );
    }
  },
);
