import { multiTypeRule } from "../lib/define";
import { LONG_RUNNING_TYPES, containersOf, podTemplate } from "../lib/pod";

/** Long-running containers tell Kubernetes when they are alive and ready. */
export const k8sProbes = multiTypeRule(
  {
    name: "k8s-probes",
    description:
      "Containers of long-running workloads (Deployments, StatefulSets, DaemonSets) must define liveness and readiness probes. Without them, traffic reaches pods that are still loading a model and hung pods are never restarted. Jobs and init containers are not checked.",
    severity: "medium",
    enforcementLevel: "mandatory",
    exemptible: true,
    remediationSteps:
      "Add `livenessProbe` and `readinessProbe` (for example HTTP GET on the service's health endpoints).",
    controls: [
      { source: "checkov", id: "CKV_K8S_8", title: "Liveness Probe Should be Configured" },
      { source: "checkov", id: "CKV_K8S_9", title: "Readiness Probe Should be Configured" },
      {
        source: "azure-policy",
        id: "b1a9997f",
        title: "Ensure cluster containers have readiness or liveness probes configured",
      },
    ],
  },
  LONG_RUNNING_TYPES,
  (props, report, _config, args) => {
    for (const { label, init, container } of containersOf(podTemplate(args.type, props).spec)) {
      if (init) continue;
      const missing = (["livenessProbe", "readinessProbe"] as const).filter((p) => !container[p]);
      if (missing.length > 0)
        report(`${label} has no ${missing.join(" or ")}.`, `add ${missing.map((m) => `\`${m}\``).join(" and ")}.`);
    }
  },
);
