/**
 * Per-model configuration: the JSON form of Triton's model configuration fields (`config.json` next to the
 * version directories), plus canary/shadow routing. Pure parsing with errors that name the field.
 */

/** Which versions of a model are served (Triton's version_policy; default latest 1). */
export type VersionPolicy =
  | { readonly kind: "latest"; readonly count: number }
  | { readonly kind: "all" }
  | { readonly kind: "specific"; readonly versions: readonly number[] };

/**
 * Where a model's executions run. `auto` (the default) measures the run cost at warmup: a model estimated under
 * `inlineBudgetUs` per execution runs on the event loop (no worker hop) and moves to the worker pool if its inline
 * runs average over the budget in production; `inline` always runs on the event loop; `workers` never does.
 */
export type ExecutionConfig =
  | { readonly mode: "auto"; readonly inlineBudgetUs: number }
  | { readonly mode: "inline" }
  | { readonly mode: "workers" };

/**
 * Default inline budget per execution: well under a millisecond of event-loop time, several times what a tiny
 * model's run costs inside a busy server.
 */
export const DEFAULT_INLINE_BUDGET_US = 250;

/**
 * Default deadline of one execution on a worker: far above any sane tabular model's run, short enough that a hung
 * run frees its requests (504) and its worker long before a client or a load balancer gives up.
 */
export const DEFAULT_RUN_DEADLINE_MS = 10_000;

/** Resolved configuration of one model. */
export interface ModelConfig {
  /** Largest batch along dimension 0; 0 = the model does not batch (no dynamic batching). Default 0. */
  readonly maxBatchSize: number;
  /** Dynamic batching; undefined = every request runs alone. Needs maxBatchSize ≥ 1. */
  readonly dynamicBatching:
    | {
        readonly maxQueueDelayUs: number;
        readonly preferredBatchSizes: readonly number[];
        readonly maxQueueSize: number;
      }
    | undefined;
  /** Sessions (worker threads) for each version. Default 1. */
  readonly instanceCount: number;
  readonly versionPolicy: VersionPolicy;
  /** Accept NaN/±Infinity in float inputs. Default false: most tabular models produce garbage on them. */
  readonly allowNonFinite: boolean;
  /** Send `weight` (0..1) of unversioned requests to `version`; undefined = no canary. */
  readonly canary: { readonly version: number; readonly weight: number } | undefined;
  /** Mirror unversioned requests to `version` and record agreement; responses never depend on it. */
  readonly shadow: { readonly version: number } | undefined;
  /** Requests allowed to wait for a worker when not batching. Default 1024. */
  readonly maxQueueSize: number;
  /** Inline on the event loop or on worker threads. Default `auto` with a 250 µs budget. */
  readonly execution: ExecutionConfig;
  /**
   * Longest a worker may take for one message of runs (`run_deadline_ms`); past it the worker is terminated, its
   * requests get 504 and a fresh worker replaces it. Default {@link DEFAULT_RUN_DEADLINE_MS}. Inline runs (on the
   * event loop) cannot be cut short: a model that needs a deadline should not run inline.
   */
  readonly runDeadlineMs: number;
}

/** The configuration of a model without a config file. */
export const DEFAULT_MODEL_CONFIG: ModelConfig = Object.freeze({
  maxBatchSize: 0,
  dynamicBatching: undefined,
  instanceCount: 1,
  versionPolicy: Object.freeze({ kind: "latest", count: 1 }) as VersionPolicy,
  allowNonFinite: false,
  canary: undefined,
  shadow: undefined,
  maxQueueSize: 1024,
  execution: Object.freeze({ mode: "auto", inlineBudgetUs: DEFAULT_INLINE_BUDGET_US }) as ExecutionConfig,
  runDeadlineMs: DEFAULT_RUN_DEADLINE_MS,
});

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Parses a model's `config.json` object; throws naming every bad field (prefixed with the model name). */
export function parseModelConfig(model: string, raw: unknown): ModelConfig {
  const problems: string[] = [];
  if (!isObj(raw)) throw new Error(`${model}/config.json must be a JSON object`);
  const int = (v: unknown, field: string, min: number, def: number): number => {
    if (v === undefined) return def;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
      problems.push(`${field} must be an integer >= ${min}`);
      return def;
    }
    return v;
  };
  const known = [
    "name",
    "platform",
    "backend",
    "max_batch_size",
    "dynamic_batching",
    "instance_group",
    "version_policy",
    "allow_non_finite",
    "canary",
    "shadow",
    "max_queue_size",
    "execution",
    "run_deadline_ms",
    "input",
    "output",
  ];
  for (const k of Object.keys(raw)) if (!known.includes(k)) problems.push(`unknown field "${k}"`);

  const maxBatchSize = int(raw.max_batch_size, "max_batch_size", 0, 0);
  let dynamicBatching: ModelConfig["dynamicBatching"];
  if (raw.dynamic_batching !== undefined) {
    const db = raw.dynamic_batching;
    if (!isObj(db)) problems.push("dynamic_batching must be an object");
    else {
      if (maxBatchSize < 1) problems.push("dynamic_batching needs max_batch_size >= 1");
      const pref = db.preferred_batch_size ?? [];
      if (
        !Array.isArray(pref) ||
        pref.some((p) => !Number.isInteger(p) || (p as number) < 1 || (p as number) > maxBatchSize)
      ) {
        problems.push(`dynamic_batching.preferred_batch_size must list integers in [1, max_batch_size]`);
      }
      const policy = isObj(db.default_queue_policy) ? db.default_queue_policy : {};
      dynamicBatching = Object.freeze({
        maxQueueDelayUs: int(db.max_queue_delay_microseconds, "dynamic_batching.max_queue_delay_microseconds", 0, 0),
        preferredBatchSizes: Object.freeze(Array.isArray(pref) ? (pref as number[]) : []),
        maxQueueSize: int(policy.max_queue_size, "dynamic_batching.default_queue_policy.max_queue_size", 1, 1024),
      });
    }
  }

  let instanceCount = 1;
  if (raw.instance_group !== undefined) {
    const groups = raw.instance_group;
    if (!Array.isArray(groups) || groups.length === 0 || !groups.every(isObj))
      problems.push("instance_group must be a non-empty array of objects");
    else instanceCount = groups.reduce<number>((n, g, i) => n + int(g.count, `instance_group[${i}].count`, 1, 1), 0);
  }

  let versionPolicy: VersionPolicy = DEFAULT_MODEL_CONFIG.versionPolicy;
  const vp = raw.version_policy;
  if (vp !== undefined) {
    if (isObj(vp) && isObj(vp.latest))
      versionPolicy = {
        kind: "latest",
        count: int(vp.latest.num_versions, "version_policy.latest.num_versions", 1, 1),
      };
    else if (isObj(vp) && isObj(vp.all)) versionPolicy = { kind: "all" };
    else if (
      isObj(vp) &&
      isObj(vp.specific) &&
      Array.isArray(vp.specific.versions) &&
      vp.specific.versions.length > 0 &&
      vp.specific.versions.every((v) => Number.isInteger(v) && (v as number) >= 1)
    ) {
      versionPolicy = { kind: "specific", versions: Object.freeze([...(vp.specific.versions as number[])]) };
    } else problems.push("version_policy must be {latest:{num_versions}}, {all:{}} or {specific:{versions:[...]}}");
  }

  let canary: ModelConfig["canary"];
  if (raw.canary !== undefined) {
    const c = raw.canary;
    if (!isObj(c) || !Number.isInteger(c.version) || typeof c.weight !== "number" || c.weight < 0 || c.weight > 1) {
      problems.push("canary must be {version: integer, weight: number in [0, 1]}");
    } else canary = Object.freeze({ version: c.version as number, weight: c.weight });
  }
  let shadow: ModelConfig["shadow"];
  if (raw.shadow !== undefined) {
    const s = raw.shadow;
    if (!isObj(s) || !Number.isInteger(s.version)) problems.push("shadow must be {version: integer}");
    else shadow = Object.freeze({ version: s.version as number });
  }
  if (raw.allow_non_finite !== undefined && typeof raw.allow_non_finite !== "boolean")
    problems.push("allow_non_finite must be a boolean");

  const execution = parseExecution(raw.execution, problems);
  const runDeadlineMs = int(raw.run_deadline_ms, "run_deadline_ms", 1, DEFAULT_RUN_DEADLINE_MS);

  if (problems.length > 0) throw new Error(`${model}/config.json: ${problems.join("; ")}`);
  return Object.freeze({
    maxBatchSize,
    dynamicBatching,
    instanceCount,
    versionPolicy,
    allowNonFinite: raw.allow_non_finite === true,
    canary,
    shadow,
    maxQueueSize: int(raw.max_queue_size, "max_queue_size", 1, 1024),
    execution,
    runDeadlineMs,
  });
}

/** `execution: {mode: "auto" | "inline" | "workers", inline_budget_us?: integer >= 1 (auto only)}`. */
function parseExecution(raw: unknown, problems: string[]): ExecutionConfig {
  if (raw === undefined) return DEFAULT_MODEL_CONFIG.execution;
  const mode = isObj(raw) ? (raw.mode ?? "auto") : undefined;
  if (!isObj(raw) || (mode !== "auto" && mode !== "inline" && mode !== "workers")) {
    problems.push('execution must be {mode: "auto" | "inline" | "workers", inline_budget_us?: integer}');
    return DEFAULT_MODEL_CONFIG.execution;
  }
  for (const k of Object.keys(raw))
    if (k !== "mode" && k !== "inline_budget_us") problems.push(`unknown field "execution.${k}"`);
  const budget = raw.inline_budget_us;
  if (mode !== "auto") {
    if (budget !== undefined) problems.push(`execution.inline_budget_us applies to mode "auto" only`);
    return Object.freeze({ mode });
  }
  if (budget !== undefined && (typeof budget !== "number" || !Number.isInteger(budget) || budget < 1))
    problems.push("execution.inline_budget_us must be an integer >= 1");
  const inlineBudgetUs = typeof budget === "number" && Number.isInteger(budget) && budget >= 1 ? budget : undefined;
  return Object.freeze({ mode, inlineBudgetUs: inlineBudgetUs ?? DEFAULT_INLINE_BUDGET_US });
}

/** The versions a policy serves out of those available (ascending), plus canary/shadow versions that exist. */
export function selectVersions(available: readonly number[], config: ModelConfig): number[] {
  const sorted = [...new Set(available)].sort((a, b) => a - b);
  const p = config.versionPolicy;
  const chosen = new Set(
    p.kind === "all"
      ? sorted
      : p.kind === "latest"
        ? sorted.slice(-p.count)
        : sorted.filter((v) => p.versions.includes(v)),
  );
  for (const extra of [config.canary?.version, config.shadow?.version])
    if (extra !== undefined && sorted.includes(extra)) chosen.add(extra);
  return [...chosen].sort((a, b) => a - b);
}
