/**
 * AKS node pools as rules see them: the inline `agentPoolProfiles` of a ManagedCluster and the
 * separate `AgentPool` resources (where the platform puts user and GPU pools) are checked alike.
 */
import { type Props } from "./props";

/** The two resource types that define node pools. */
export const POOL_TYPES = [
  "azure-native:containerservice:ManagedCluster",
  "azure-native:containerservice:AgentPool",
] as const;

/** A node pool with the label used in messages. */
export interface PoolView {
  label: string;
  pool: Props;
}

/** Every node pool a ManagedCluster or AgentPool resource defines. */
export function poolsOf(type: string, props: Props): PoolView[] {
  if (type === POOL_TYPES[1]) return [{ label: `agent pool ${props.agentPoolName ?? "(unnamed)"}`, pool: props }];
  const profiles: Props[] = props.agentPoolProfiles ?? [];
  return profiles.map((p, i) => ({ label: `agentPoolProfiles[${i}] (${p.name ?? "unnamed"})`, pool: p }));
}

/** True when the pool has GPU nodes: a GPU VM size, a MIG profile or a GPU driver profile. */
export function isGpuPool(pool: Props, gpuVmSizePattern: string): boolean {
  const size = pool.vmSize;
  return (
    (typeof size === "string" && new RegExp(gpuVmSizePattern, "i").test(size)) ||
    pool.gpuInstanceProfile != null ||
    pool.gpuProfile != null
  );
}

/** The nodes a pool keeps at the least: `minCount` when autoscaled (and above 0), else `count`. */
export function leastNodes(pool: Props): number {
  const min = Number(pool.minCount ?? 0);
  return min > 0 ? min : Number(pool.count ?? 0);
}

/** The JSON schema of the GPU VM size pattern shared by the GPU pool rules. */
export const gpuVmSizePatternSchema = {
  type: "string",
  default: "^Standard_N[CDV]",
  description: "Regular expression for GPU VM sizes (NC, ND and NV families).",
} as const;
