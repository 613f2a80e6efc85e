import { multiTypeRule } from "../lib/define";
import { WORKLOAD_TYPES, containersOf, podTemplate } from "../lib/pod";
import { inListI } from "../lib/strings";

/** Containers drop every Linux capability and add back at most NET_BIND_SERVICE. */
export const k8sDropAllCapabilities = multiTypeRule(
  {
    name: "k8s-drop-all-capabilities",
    description:
      "Every container must drop all Linux capabilities and may add back only the allowed ones (by default NET_BIND_SERVICE). The default capability set includes NET_RAW and others that help an attacker.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps: 'Set `securityContext.capabilities: { drop: ["ALL"] }` and add only what the process needs.',
    controls: [
      { source: "pss", id: "restricted", title: "Capabilities" },
      {
        source: "checkov",
        id: "CKV_K8S_28",
        title: "Minimize the admission of containers with the NET_RAW capability",
      },
      { source: "checkov", id: "CKV_K8S_37", title: "Minimize the admission of containers with capabilities assigned" },
      {
        source: "azure-policy",
        id: "c26596ff",
        title: "Kubernetes cluster containers should only use allowed capabilities",
      },
    ],
    config: {
      allowedAdd: {
        type: "array",
        items: { type: "string" },
        default: ["NET_BIND_SERVICE"],
        description: "Capabilities containers may add.",
      },
    },
  },
  WORKLOAD_TYPES,
  (props, report, config: { allowedAdd: string[] }, args) => {
    for (const { label, container } of containersOf(podTemplate(args.type, props).spec)) {
      const caps = container.securityContext?.capabilities;
      const drop: string[] = caps?.drop ?? [];
      if (!inListI("ALL", drop))
        report(`${label} does not drop ALL capabilities.`, 'set `securityContext.capabilities.drop: ["ALL"]`.');
      const extra = ((caps?.add ?? []) as string[]).filter((c) => !inListI(c, config.allowedAdd));
      if (extra.length > 0)
        report(
          `${label} adds capabilities ${extra.join(", ")}.`,
          `add only ${config.allowedAdd.join(", ") || "nothing"}.`,
        );
    }
  },
);
