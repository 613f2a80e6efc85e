/**
 * The CPU cores this container may use: the cgroup v2 quota (`cpu.max`, what a Kubernetes CPU limit sets)
 * when there is one, else the cores Node sees. Used to size onnxruntime's thread pools, so a pod with a
 * 2-CPU limit on a 64-core node does not start 64 threads per session (see docs/inference.md, "Performance design").
 */
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

/** Parses cgroup v2 `cpu.max` ("200000 100000" → 2; "max 100000" → undefined). */
export function parseCpuMax(text: string): number | undefined {
  const [quota, period] = text.trim().split(/\s+/);
  if (!quota || quota === "max" || !period) return undefined;
  const q = Number(quota);
  const p = Number(period);
  return q > 0 && p > 0 ? Math.max(1, Math.floor(q / p)) : undefined;
}

/** Cores available to this process (at least 1). */
export function availableCpus(cgroupFile = "/sys/fs/cgroup/cpu.max"): number {
  let limit: number | undefined;
  try {
    limit = parseCpuMax(readFileSync(cgroupFile, "utf8"));
  } catch {
    limit = undefined;
  }
  return Math.max(1, Math.min(limit ?? Number.POSITIVE_INFINITY, availableParallelism()));
}
