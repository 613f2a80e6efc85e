/**
 * The console's configuration: a pure, frozen function of the environment; every problem is reported at once,
 * each naming its variable.
 */
import { connectionFromEnv, type PlatformConnection } from "@ai-platform/registry";

/**
 * Who may act. `token`: whoever presents the operator token (the local platform prints a sign-in link holding it);
 * everyone else reads. `proxy`: an authenticating proxy in front (oauth2-proxy with Entra ID on AKS) passes the
 * signed-in user and their groups as `X-Forwarded-Email`/`X-Forwarded-Groups`; members of `operatorGroup` act,
 * everyone else reads. In `proxy` mode the console must only be reachable through that proxy (it listens on
 * loopback inside the pod).
 */
export type ConsoleAccess =
  | { readonly kind: "token"; readonly operatorToken: string; readonly actor: string }
  | { readonly kind: "proxy"; readonly operatorGroup: string };

/** The console's configuration. */
export interface ConsoleConfig {
  /** Listen address. Default `127.0.0.1`. */
  readonly host: string;
  /** Listen port. Default 8081; `0` picks a free one. */
  readonly port: number;
  /** Registry and datasets: the same Cosmos DB and Blob storage the services use. */
  readonly connection: PlatformConnection;
  /** Base URL of the inference service whose `/metrics` the serving view reads; undefined = no serving view data. */
  readonly inferenceUrl: string | undefined;
  /** How often `/metrics` is sampled for the serving charts, ms. Default 15000. */
  readonly metricsIntervalMs: number;
  readonly access: ConsoleAccess;
  /** Structured log level. Default `warn`. */
  readonly logLevel: string;
}

/** Thrown with every configuration problem in one message. */
export class ConsoleConfigError extends Error {
  override readonly name = "ConsoleConfigError";
}

function intVar(env: NodeJS.ProcessEnv, key: string, def: number, min: number, max: number, problems: string[]) {
  const raw = env[key];
  if (raw === undefined || raw === "") return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push(`${key} must be an integer in [${min}, ${max}] (got "${raw}")`);
    return def;
  }
  return n;
}

/**
 * Reads HOST, CONSOLE_PORT, CONSOLE_INFERENCE_URL, CONSOLE_METRICS_INTERVAL_MS, CONSOLE_AUTH (`proxy` or `token`),
 * CONSOLE_OPERATOR_GROUP (proxy), CONSOLE_OPERATOR_TOKEN and CONSOLE_ACTOR (token), LOG_LEVEL, and the platform
 * connection (COSMOS_ENDPOINT, STORAGE_BLOB_ENDPOINT, ...).
 */
export function loadConsoleConfig(env: NodeJS.ProcessEnv): ConsoleConfig {
  const problems: string[] = [];
  let connection: PlatformConnection | undefined;
  try {
    connection = connectionFromEnv(env);
  } catch (error) {
    problems.push((error as Error).message);
  }
  const auth = env.CONSOLE_AUTH ?? "proxy";
  let access: ConsoleAccess | undefined;
  if (auth === "proxy") {
    const group = env.CONSOLE_OPERATOR_GROUP ?? "";
    if (group.trim() === "") problems.push("CONSOLE_OPERATOR_GROUP must name the Entra group whose members may act");
    else access = { kind: "proxy", operatorGroup: group.trim() };
  } else if (auth === "token") {
    const token = env.CONSOLE_OPERATOR_TOKEN ?? "";
    if (token.length < 32) problems.push("CONSOLE_OPERATOR_TOKEN must be at least 32 characters");
    else access = { kind: "token", operatorToken: token, actor: env.CONSOLE_ACTOR || "console" };
  } else problems.push(`CONSOLE_AUTH must be "proxy" or "token" (got "${auth}")`);
  const inferenceUrl = env.CONSOLE_INFERENCE_URL || undefined;
  if (inferenceUrl !== undefined && !/^https?:\/\/[^/]+/.test(inferenceUrl))
    problems.push(`CONSOLE_INFERENCE_URL must be an http(s) URL (got "${inferenceUrl}")`);
  const config = {
    host: env.HOST || "127.0.0.1",
    port: intVar(env, "CONSOLE_PORT", 8081, 0, 65535, problems),
    inferenceUrl: inferenceUrl?.replace(/\/+$/, ""),
    metricsIntervalMs: intVar(env, "CONSOLE_METRICS_INTERVAL_MS", 15_000, 100, 3_600_000, problems),
    logLevel: env.LOG_LEVEL || "warn",
  };
  if (problems.length > 0 || !connection || !access)
    throw new ConsoleConfigError(`invalid console configuration: ${problems.join("; ")}`);
  return Object.freeze({ ...config, connection, access: Object.freeze(access) });
}
