import { multiTypeRule } from "../lib/define";
import { POOL_TYPES, gpuVmSizePatternSchema, isGpuPool, poolsOf } from "../lib/pools";
import { inListI } from "../lib/strings";

/** GPU pools use only the VM sizes the platform has approved (quota, cost, driver support). */
export const azureAksGpuVmSizeAllowed = multiTypeRule(
  {
    name: "azure-aks-gpu-vm-size-allowed",
    description:
      "GPU node pools must use an approved GPU VM size. The list follows the organisation's GPU quota, budget and the sizes AKS supports with the NVIDIA driver.",
    severity: "medium",
    enforcementLevel: "mandatory",
    exemptible: true,
    remediationSteps:
      "Pick a size from `allowedGpuVmSizes`, or add the size to the list in the policy config after approval.",
    controls: [
      { source: "azure-policy", id: "cccc23c7", title: "Allowed virtual machine size SKUs" },
      {
        source: "microsoft-learn",
        id: "aks-use-nvidia-gpu",
        title: "Use GPUs for compute-intensive workloads on AKS (supported VM sizes)",
      },
    ],
    config: {
      gpuVmSizePattern: gpuVmSizePatternSchema,
      allowedGpuVmSizes: {
        type: "array",
        items: { type: "string" },
        default: [
          "Standard_NC4as_T4_v3",
          "Standard_NC8as_T4_v3",
          "Standard_NC16as_T4_v3",
          "Standard_NC64as_T4_v3",
          "Standard_NC6s_v3",
          "Standard_NC12s_v3",
          "Standard_NC24s_v3",
          "Standard_NC24ads_A100_v4",
          "Standard_NC48ads_A100_v4",
          "Standard_NC96ads_A100_v4",
          "Standard_ND96asr_v4",
          "Standard_ND96amsr_A100_v4",
          "Standard_NC40ads_H100_v5",
          "Standard_NC80adis_H100_v5",
          "Standard_ND96isr_H100_v5",
        ],
      },
    },
  },
  POOL_TYPES,
  (props, report, config: { gpuVmSizePattern: string; allowedGpuVmSizes: string[] }, args) => {
    for (const { label, pool } of poolsOf(args.type, props)) {
      if (!isGpuPool(pool, config.gpuVmSizePattern)) continue;
      if (!inListI(pool.vmSize, config.allowedGpuVmSizes))
        report(
          `${label} uses GPU VM size ${JSON.stringify(pool.vmSize)}, which is not in allowedGpuVmSizes.`,
          `use one of ${config.allowedGpuVmSizes.join(", ")}.`,
        );
    }
  },
);
