import { multiTypeRule } from "../lib/define";
import { WORKLOAD_TYPES, containersOf, podTemplate } from "../lib/pod";

/** Every container declares CPU and memory requests and limits. */
export const k8sResourceLimits = multiTypeRule(
  {
    name: "k8s-resource-limits",
    description:
      "Every container must declare CPU and memory requests and a memory limit (and a CPU limit unless disabled in config). Requests let the scheduler place pods and the autoscaler size pools; limits stop one pod from starving a node.",
    severity: "medium",
    enforcementLevel: "mandatory",
    exemptible: true,
    remediationSteps:
      "Set `resources.requests.{cpu,memory}` and `resources.limits.{cpu,memory}` on every container and init container.",
    controls: [
      { source: "checkov", id: "CKV_K8S_10", title: "CPU requests should be set" },
      { source: "checkov", id: "CKV_K8S_11", title: "CPU limits should be set" },
      { source: "checkov", id: "CKV_K8S_12", title: "Memory requests should be set" },
      { source: "checkov", id: "CKV_K8S_13", title: "Memory limits should be set" },
      {
        source: "azure-policy",
        id: "e345eecc",
        title: "Kubernetes cluster containers CPU and memory resource limits should not exceed the specified limits",
      },
    ],
    config: { requireCpuLimit: { type: "boolean", default: true, description: "Also require `limits.cpu`." } },
  },
  WORKLOAD_TYPES,
  (props, report, config: { requireCpuLimit: boolean }, args) => {
    for (const { label, container } of containersOf(podTemplate(args.type, props).spec)) {
      const missing = [
        ["requests.cpu", container.resources?.requests?.cpu],
        ["requests.memory", container.resources?.requests?.memory],
        ...(config.requireCpuLimit ? [["limits.cpu", container.resources?.limits?.cpu]] : []),
        ["limits.memory", container.resources?.limits?.memory],
      ]
        .filter(([, v]) => v === undefined || v === null || v === "")
        .map(([k]) => k);
      if (missing.length > 0)
        report(
          `${label} has no resources.${missing.join(", resources.")}.`,
          `set ${missing.map((m) => `resources.${m}`).join(", ")}.`,
        );
    }
  },
);
