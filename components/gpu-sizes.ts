/**
 * Whole GPUs per VM for the N-series sizes the platform is used with (Azure's GPU-optimized VM size tables,
 * https://learn.microsoft.com/azure/virtual-machines/sizes/overview#gpu-accelerated). Pure data: the config
 * resolver and the preflight check serving capacity with it.
 */

/** GPUs per node by VM size. */
export const gpusPerVmSize: Readonly<Record<string, number>> = {
  Standard_NC4as_T4_v3: 1,
  Standard_NC8as_T4_v3: 1,
  Standard_NC16as_T4_v3: 1,
  Standard_NC64as_T4_v3: 4,
  Standard_NC6s_v3: 1,
  Standard_NC12s_v3: 2,
  Standard_NC24s_v3: 4,
  Standard_NC24ads_A100_v4: 1,
  Standard_NC48ads_A100_v4: 2,
  Standard_NC96ads_A100_v4: 4,
  Standard_ND96asr_v4: 8,
  Standard_ND96amsr_A100_v4: 8,
  Standard_NC40ads_H100_v5: 1,
  Standard_NC80adis_H100_v5: 2,
  Standard_ND96isr_H100_v5: 8,
};

/** GPUs per node of `vmSize`; an unknown size counts as 1, the lower bound, so capacity checks stay safe. */
export function gpusPerNode(vmSize: string): number {
  return gpusPerVmSize[vmSize] ?? 1;
}

/**
 * Pods of `gpusPerPod` GPUs a pool of `maxNodes` can run at once, minus the one extra pod a rolling update
 * with `maxSurge: 1` starts before it stops an old one. Pure.
 */
export function servingCapacity(vmSize: string, maxNodes: number, gpusPerPod = 1): number {
  return Math.floor((gpusPerNode(vmSize) * maxNodes) / gpusPerPod) - 1;
}
