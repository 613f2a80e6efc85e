import { multiTypeRule } from "../lib/define";
import { POOL_TYPES, gpuVmSizePatternSchema, isGpuPool, poolsOf } from "../lib/pools";
import { eqi } from "../lib/strings";

/** GPU nodes carry a NoSchedule taint so only pods that ask for GPUs land there. */
export const azureAksGpuPoolTainted = multiTypeRule(
  {
    name: "azure-aks-gpu-pool-tainted",
    description:
      "GPU node pools must be user pools tainted with the platform's GPU taint. Without the taint, ordinary pods fill expensive GPU nodes and keep them from scaling to zero.",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
      'Add `nodeTaints: ["sku=gpu:NoSchedule"]` and `mode: "User"` to the GPU pool, and the matching toleration to GPU workloads.',
    controls: [
      {
        source: "microsoft-learn",
        id: "aks-use-nvidia-gpu",
        title: "Use GPUs for compute-intensive workloads on AKS (taint sku=gpu:NoSchedule)",
      },
      { source: "project", id: "gpu-isolation", title: "GPU capacity is reserved for GPU workloads" },
    ],
    config: {
      gpuVmSizePattern: gpuVmSizePatternSchema,
      gpuTaint: { type: "string", default: "sku=gpu:NoSchedule", description: "The taint every GPU pool must carry." },
    },
  },
  POOL_TYPES,
  (props, report, config: { gpuVmSizePattern: string; gpuTaint: string }, args) => {
    for (const { label, pool } of poolsOf(args.type, props)) {
      if (!isGpuPool(pool, config.gpuVmSizePattern)) continue;
      const taints: string[] = pool.nodeTaints ?? [];
      const tainted = taints.some((t) => eqi(t, config.gpuTaint) || /^nvidia\.com\/gpu(=[^:]*)?:NoSchedule$/i.test(t));
      if (!tainted)
        report(
          `${label} has GPU VM size ${pool.vmSize} but no ${config.gpuTaint} taint.`,
          `add \`nodeTaints: ["${config.gpuTaint}"]\`.`,
        );
      if (eqi(pool.mode, "System"))
        report(
          `${label} is a GPU pool in mode System.`,
          'use `mode: "User"` for GPU pools and keep system pods on a CPU pool.',
        );
    }
  },
);
