/**
 * The inference service's configuration: a pure, frozen function of the environment.
 * Every problem is reported at once, each naming its variable.
 */
import { inferenceEnv as E, isModelRef, parseModelRef, servedModelProblem } from "@ai-platform/contracts";

/** One registry model: `name@ref`, optionally with a canary (`ref` + traffic weight) and a shadow ref. */
export interface RegistryModel {
  readonly name: string;
  readonly ref: string;
  readonly canary?: { readonly ref: string; readonly weight: number };
  readonly shadow?: { readonly ref: string };
}

/** Where models come from: a Triton-layout directory, or the model registry (Cosmos DB + blob). */
export type ModelSource =
  | { kind: "repository"; path: string }
  | {
      kind: "registry";
      models: readonly RegistryModel[];
      /** Batching and instances for every registry model (the registry record carries no serving config). */
      serving: { readonly maxBatchSize: number; readonly maxQueueDelayUs: number; readonly instances: number };
      /** Per-pod cap for `*@alias` (INFERENCE_MAX_MODELS, INFERENCE_MAX_MODEL_BYTES); `0` = none. */
      limits: { readonly maxModels: number; readonly maxBytes: number };
    };

/** The service configuration (see docs/inference.md for every variable). */
export interface InferenceConfig {
  /** Listen address. Default `0.0.0.0` (inside a pod); the CLI defaults to `127.0.0.1`. */
  readonly host: string;
  /** Listen port. Default 8080 (the platform's service port). */
  readonly port: number;
  /** gRPC port (INFERENCE_GRPC_PORT; 0 picks a free one); undefined = REST only. The image sets 8081. */
  readonly grpcPort: number | undefined;
  /** Where models come from (INFERENCE_MODEL_REPOSITORY or INFERENCE_MODELS; exactly one). */
  readonly source: ModelSource;
  /** `cuda` asks for the CUDA execution provider (with CPU fallback, logged). Default `cpu`. */
  readonly device: "cpu" | "cuda";
  /** CPU cores the pod may use (INFERENCE_CPU_LIMIT, e.g. from the downward API); undefined = detect. */
  readonly cpuLimit: number | undefined;
  /** How often sources are checked for new versions/aliases. Default 5000 ms. */
  readonly pollIntervalMs: number;
  /** Largest accepted request body. Default 64 MiB (binary tensors); larger bodies get 413. */
  readonly bodyLimitBytes: number;
  /** File holding the API key (a mounted secret); undefined = no API-key check. */
  readonly apiKeyFile: string | undefined;
  /** Entra ID JWT validation: tenant and audience; undefined = off. */
  readonly jwt: { readonly tenantId: string; readonly audience: string } | undefined;
  /** Requests per second per client IP; undefined = no rate limit (opt-in). */
  readonly rateLimitPerSecond: number | undefined;
  /**
   * Load shedding (@fastify/under-pressure): past these, requests get 503 with `Retry-After` before their body is
   * read; `/v2/health/live` always answers. Event-loop delay INFERENCE_MAX_EVENT_LOOP_DELAY_MS (default 1000; 0 = off)
   * and heap INFERENCE_MAX_HEAP_USED_BYTES (default 0 = 90% of V8's heap limit).
   */
  readonly loadShedding: { readonly maxEventLoopDelayMs: number; readonly maxHeapUsedBytes: number };
  /** How long SIGTERM waits for in-flight requests before exiting. Default 25 s (the pod's 40 s grace covers a 10 s preStop sleep and this). */
  readonly drainTimeoutMs: number;
  /** Azure Monitor connection string for OpenTelemetry; undefined = no export. */
  readonly applicationInsightsConnectionString: string | undefined;
  /** Structured log level. Default `info`. */
  readonly logLevel: string;
}

/** Thrown with every configuration problem in one message. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid inference configuration: ${problems.join("; ")}`);
    this.name = "ConfigError";
  }
}

function intVar(env: NodeJS.ProcessEnv, key: string, def: number, min: number, problems: string[]): number {
  const raw = env[key];
  if (raw === undefined || raw === "") return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    problems.push(`${key} must be an integer >= ${min} (got "${raw}")`);
    return def;
  }
  return n;
}

/** `name` alone means `name@production`. */
function withDefaultRef(entry: string): string {
  return entry.includes("@") ? entry : `${entry}@production`;
}

/** Parses `name@ref,name2@ref2` (ref defaults to `production`; `*@alias` means every model with the alias). */
export function parseModelRefs(raw: string, problems: string[]): { name: string; ref: string }[] {
  const out: { name: string; ref: string }[] = [];
  for (const part of raw
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")) {
    const problem = servedModelProblem(withDefaultRef(part));
    if (problem !== undefined) {
      problems.push(`INFERENCE_MODELS entry "${part}" must look like name@ref: ${problem}`);
      continue;
    }
    // `*@alias` (every registered model that has the alias) keeps `*` as its name.
    out.push(part.startsWith("*@") ? { name: "*", ref: part.slice(2) } : parseModelRef(withDefaultRef(part)));
  }
  if (out.length === 0 && problems.length === 0) problems.push("INFERENCE_MODELS names no model");
  return out;
}

/** Builds the frozen configuration from an environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv): InferenceConfig {
  const problems: string[] = [];
  const repo = env[E.modelRepository];
  const models = env[E.models];
  let source: ModelSource = { kind: "repository", path: "" };
  if (repo && models) problems.push("set only one of INFERENCE_MODEL_REPOSITORY and INFERENCE_MODELS");
  else if (repo) source = { kind: "repository", path: repo };
  else if (models) {
    const refs: RegistryModel[] = parseModelRefs(models, problems);
    const byName = new Map(refs.map((r, i) => [r.name, i]));
    const attach = (key: typeof E.canary | typeof E.shadow) => {
      for (const part of (env[key] ?? "")
        .split(",")
        .map((p) => p.trim())
        .filter((p) => p !== "")) {
        const [refText = "", weightText, extra] = part.split("=");
        const m = extra === undefined && isModelRef(refText) ? parseModelRef(refText) : undefined;
        const weight = weightText === undefined ? undefined : Number(weightText);
        const i = m ? byName.get(m.name) : undefined;
        if (!m || i === undefined)
          problems.push(
            `${key} entry "${part}" must be name@ref${key === "INFERENCE_CANARY" ? "=weight" : ""} for a model in INFERENCE_MODELS`,
          );
        else if (key === "INFERENCE_CANARY" && (weight === undefined || !(weight >= 0 && weight <= 1)))
          problems.push(`${key} entry "${part}" needs a weight in [0, 1]`);
        else if (key === "INFERENCE_CANARY")
          refs[i] = { ...(refs[i] as RegistryModel), canary: { ref: m.ref, weight: weight as number } };
        else refs[i] = { ...(refs[i] as RegistryModel), shadow: { ref: m.ref } };
      }
    };
    attach(E.canary);
    attach(E.shadow);
    source = {
      kind: "registry",
      models: Object.freeze(refs),
      serving: Object.freeze({
        maxBatchSize: intVar(env, "INFERENCE_MAX_BATCH_SIZE", 0, 0, problems),
        maxQueueDelayUs: intVar(env, "INFERENCE_MAX_QUEUE_DELAY_US", 0, 0, problems),
        instances: intVar(env, "INFERENCE_INSTANCES", 1, 1, problems),
      }),
      limits: Object.freeze({
        maxModels: intVar(env, E.maxModels, 0, 0, problems),
        maxBytes: intVar(env, E.maxModelBytes, 0, 0, problems),
      }),
    };
  } else problems.push("set INFERENCE_MODEL_REPOSITORY (a Triton-layout directory) or INFERENCE_MODELS (name@ref,...)");

  const device = env[E.device] ?? "cpu";
  if (device !== "cpu" && device !== "cuda")
    problems.push(`INFERENCE_DEVICE must be "cpu" or "cuda" (got "${device}")`);

  let cpuLimit: number | undefined;
  if (env[E.cpuLimit]) {
    const n = Number(env[E.cpuLimit]);
    if (!Number.isFinite(n) || n <= 0)
      problems.push(`INFERENCE_CPU_LIMIT must be a positive number (got "${env[E.cpuLimit]}")`);
    else cpuLimit = n;
  }

  const tenantId = env[E.authJwtTenantId];
  const audience = env[E.authJwtAudience];
  if (Boolean(tenantId) !== Boolean(audience))
    problems.push("set both INFERENCE_AUTH_JWT_TENANT_ID and INFERENCE_AUTH_JWT_AUDIENCE, or neither");
  const rate = intVar(env, E.rateLimitRps, 0, 0, problems);

  const config: InferenceConfig = {
    host: env[E.host] || "0.0.0.0",
    port: intVar(env, E.port, 8080, 0, problems),
    grpcPort: env[E.grpcPort] ? intVar(env, E.grpcPort, 0, 0, problems) : undefined,
    source,
    device: device === "cuda" ? "cuda" : "cpu",
    cpuLimit,
    pollIntervalMs: intVar(env, E.pollIntervalMs, 5000, 100, problems),
    bodyLimitBytes: intVar(env, "INFERENCE_BODY_LIMIT_BYTES", 64 * 1024 * 1024, 1024, problems),
    apiKeyFile: env[E.apiKeyFile] || undefined,
    jwt: tenantId && audience ? Object.freeze({ tenantId, audience }) : undefined,
    rateLimitPerSecond: rate > 0 ? rate : undefined,
    loadShedding: Object.freeze({
      maxEventLoopDelayMs: intVar(env, "INFERENCE_MAX_EVENT_LOOP_DELAY_MS", 1000, 0, problems),
      maxHeapUsedBytes: intVar(env, "INFERENCE_MAX_HEAP_USED_BYTES", 0, 0, problems),
    }),
    drainTimeoutMs: intVar(env, "INFERENCE_DRAIN_TIMEOUT_MS", 25_000, 0, problems),
    applicationInsightsConnectionString: env.APPLICATIONINSIGHTS_CONNECTION_STRING || undefined,
    logLevel: env.LOG_LEVEL || "info",
  };
  if (config.port > 65535) problems.push(`PORT must be <= 65535 (got ${config.port})`);
  if (config.grpcPort !== undefined && config.grpcPort > 65535)
    problems.push(`INFERENCE_GRPC_PORT must be <= 65535 (got ${config.grpcPort})`);
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}
