import { multiTypeRule } from "../lib/define";
import { WORKLOAD_TYPES, containersOf, podTemplate } from "../lib/pod";
import { eqi } from "../lib/strings";
import { type Props } from "../lib/props";

/** Parses `key=value:Effect` (value optional). */
function parseTaint(taint: string): { key: string; value?: string; effect: string } {
  const m = /^([^=:]+)(?:=([^:]*))?:(\w+)$/.exec(taint);
  if (!m) throw new Error(`gpuTaint: ${JSON.stringify(taint)} is not of the form key=value:Effect`);
  return { key: m[1]!, ...(m[2] !== undefined ? { value: m[2] } : {}), effect: m[3]! };
}

function tolerates(t: Props, taint: { key: string; value?: string; effect: string }): boolean {
  const effectOk = !t.effect || eqi(t.effect, taint.effect);
  if (eqi(t.operator, "Exists")) return effectOk && (!t.key || t.key === taint.key);
  return effectOk && t.key === taint.key && (t.value ?? "") === (taint.value ?? "");
}

function gpuCount(container: Props, resource: string): number {
  const values = [container.resources?.limits?.[resource], container.resources?.requests?.[resource]];
  return Math.max(0, ...values.map((v) => Number(v ?? 0)).filter((n) => Number.isFinite(n)));
}

/** Pods that ask for GPUs tolerate the GPU pool's taint, so they can be scheduled at all. */
export const k8sGpuRequestRequiresToleration = multiTypeRule(
  {
    name: "k8s-gpu-request-requires-toleration",
    description:
      "A pod that requests GPUs must tolerate the GPU node pool's taint. GPU pools are tainted, so without the toleration the pod stays Pending and the autoscaler keeps a GPU node running for nothing.",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
      'Add `tolerations: [{ key: "sku", operator: "Equal", value: "gpu", effect: "NoSchedule" }]` and a node selector for the GPU pool.',
    controls: [
      {
        source: "microsoft-learn",
        id: "aks-use-nvidia-gpu",
        title: "Use GPUs for compute-intensive workloads on AKS (taints and tolerations)",
      },
      { source: "project", id: "gpu-isolation", title: "GPU capacity is reserved for GPU workloads" },
    ],
    config: {
      gpuTaint: {
        type: "string",
        default: "sku=gpu:NoSchedule",
        description: "The taint of the GPU node pools (key=value:Effect).",
      },
      gpuResource: {
        type: "string",
        default: "nvidia.com/gpu",
        description: "The extended resource name GPUs are requested with.",
      },
    },
  },
  WORKLOAD_TYPES,
  (props, report, config: { gpuTaint: string; gpuResource: string }, args) => {
    const { spec } = podTemplate(args.type, props);
    const gpus = containersOf(spec).filter(({ container }) => gpuCount(container, config.gpuResource) > 0);
    if (gpus.length === 0) return;
    const taint = parseTaint(config.gpuTaint);
    const tolerations: Props[] = spec.tolerations ?? [];
    if (!tolerations.some((t) => tolerates(t, taint)))
      report(
        `${gpus.map((g) => g.label).join(", ")} request ${config.gpuResource} but the pod does not tolerate ${config.gpuTaint}.`,
        `add a toleration for ${config.gpuTaint}.`,
      );
  },
);
