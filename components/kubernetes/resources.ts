/**
 * Container resource requests and limits: validation and the `resources` block, GPU included.
 *
 * Pure functions, no Pulumi imports. Every platform container sets both requests and limits for
 * CPU and memory (the policy pack's `k8s-resource-limits` rule); a GPU is a limit only, because
 * Kubernetes sets the request of an extended resource equal to its limit.
 */

/** CPU and memory quantities in Kubernetes notation, for example `{ cpu: "500m", memory: "1Gi" }`. */
export interface ComputeQuantities {
  /** CPU: cores (`"2"`, `"0.5"`) or millicores (`"500m"`). */
  readonly cpu: string;
  /** Memory: bytes with an optional suffix (`"512Mi"`, `"2Gi"`, `"1G"`). */
  readonly memory: string;
}

/** Requests and limits of one container. */
export interface ContainerResources {
  /** What the scheduler reserves for the container. */
  readonly requests: ComputeQuantities;
  /** The most the container may use: CPU is throttled above it, memory above it is OOM-killed. */
  readonly limits: ComputeQuantities;
}

const SUFFIX: Record<string, number> = {
  "": 1,
  m: 1e-3,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/**
 * Parses a Kubernetes quantity (`"500m"`, `"1.5"`, `"2Gi"`, `"1e3"`) into a plain number.
 * Throws naming `field` when the text is not a quantity.
 */
export function parseQuantity(field: string, text: string): number {
  const m = /^([+]?[0-9]+(?:\.[0-9]*)?|[+]?\.[0-9]+)(?:[eE]([+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|m|k|K|M|G|T|P|E))?$/.exec(
    text,
  );
  if (!m)
    throw new Error(`${field} (${JSON.stringify(text)}) is not a Kubernetes quantity such as "500m", "2" or "1Gi"`);
  const base = Number(m[1]);
  return m[2] !== undefined ? base * 10 ** Number(m[2]) : base * (SUFFIX[m[3] ?? ""] ?? 1);
}

/**
 * Validates requests and limits: every quantity parses, is positive, and no request exceeds its limit.
 * `field` prefixes error messages, for example `inference.resources`.
 */
export function validateResources(field: string, r: ContainerResources): ContainerResources {
  for (const kind of ["cpu", "memory"] as const) {
    const req = parseQuantity(`${field}.requests.${kind}`, r.requests[kind]);
    const lim = parseQuantity(`${field}.limits.${kind}`, r.limits[kind]);
    if (req <= 0) throw new Error(`${field}.requests.${kind} (${r.requests[kind]}) must be greater than zero`);
    if (req > lim) {
      throw new Error(
        `${field}.requests.${kind} (${r.requests[kind]}) exceeds ${field}.limits.${kind} (${r.limits[kind]})`,
      );
    }
  }
  return r;
}

/**
 * The container `resources` block. With `gpus` > 0 the limits also claim that many units of
 * `gpuResourceName` (`nvidia.com/gpu`, or a MIG profile such as `nvidia.com/mig-1g.10gb`).
 */
export function containerResources(
  field: string,
  r: ContainerResources,
  gpus = 0,
  gpuResourceName = "nvidia.com/gpu",
): { requests: Record<string, string>; limits: Record<string, string> } {
  validateResources(field, r);
  if (!Number.isInteger(gpus) || gpus < 0) throw new Error(`${field} GPU count (${gpus}) must be a whole number ≥ 0`);
  const limits: Record<string, string> = { cpu: r.limits.cpu, memory: r.limits.memory };
  if (gpus > 0) limits[gpuResourceName] = String(gpus);
  return { requests: { cpu: r.requests.cpu, memory: r.requests.memory }, limits };
}
