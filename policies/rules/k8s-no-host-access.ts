import { multiTypeRule } from "../lib/define";
import { WORKLOAD_TYPES, containersOf, podTemplate } from "../lib/pod";
import { type Props } from "../lib/props";

/** No hostPath volumes and no host ports. */
export const k8sNoHostAccess = multiTypeRule(
  {
    name: "k8s-no-host-access",
    description:
      "Pods must not mount hostPath volumes or bind host ports. A hostPath mount exposes the node's file system; node agents that need one (the NVIDIA device plugin socket) are exempted by name with a reason.",
    severity: "high",
    enforcementLevel: "mandatory",
    exemptible: true,
    remediationSteps:
      "Use emptyDir, a PersistentVolumeClaim or a CSI volume instead of hostPath, and a Service instead of hostPort; exempt node agents in the policy config.",
    controls: [
      { source: "pss", id: "baseline", title: "HostPath Volumes / Host Ports" },
      { source: "checkov", id: "CKV_K8S_26", title: "Do not specify hostPort unless absolutely necessary" },
      {
        source: "azure-policy",
        id: "098fc59e",
        title: "Kubernetes cluster pod hostPath volumes should only use allowed host paths",
      },
      { source: "cis-kubernetes", id: "5.2.12", title: "Minimize the admission of HostPath volumes" },
    ],
  },
  WORKLOAD_TYPES,
  (props, report, _config, args) => {
    const { spec } = podTemplate(args.type, props);
    const volumes: Props[] = spec.volumes ?? [];
    for (const v of volumes)
      if (v.hostPath)
        report(`volume "${v.name}" mounts hostPath ${v.hostPath.path}.`, "use emptyDir, a PVC or a CSI volume.");
    for (const { label, container } of containersOf(spec)) {
      const ports: Props[] = container.ports ?? [];
      for (const p of ports)
        if (p.hostPort)
          report(`${label} binds hostPort ${p.hostPort}.`, "remove `hostPort` and expose the port through a Service.");
    }
  },
);
