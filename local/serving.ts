/**
 * The inference service of the local platform: `@ai-platform/inference` in this process, serving models from the
 * registry (Cosmos DB + Blob emulators) and following alias changes, as on AKS.
 */
import type { PlatformConnection } from "@ai-platform/registry";
import { LocalPlatformError } from "./errors";
import type { ExampleRequest } from "./example-request";

/** A running inference service. */
export interface Serving {
  /** Base URL, `http://127.0.0.1:<port>`. */
  url: string;
  /** Drains and closes the service. */
  stop(): Promise<void>;
}

/** What to serve and where. */
export interface ServingOptions {
  /** Port on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** `name@ref` entries, as INFERENCE_MODELS takes them. */
  models: string[];
  /** How often the registry is checked for alias changes, ms. */
  pollIntervalMs: number;
}

/**
 * Starts the inference service on 127.0.0.1 against the local platform's registry, configured through the same
 * `loadConfig(env)` as the container (INFERENCE_MODELS, PORT, HOST, INFERENCE_POLL_INTERVAL_MS), and resolves once
 * the models are loaded. Logs only warnings: the terminal belongs to `npm start`'s progress.
 */
export async function startServing(connection: PlatformConnection, options: ServingOptions): Promise<Serving> {
  const { loadConfig, startInferenceServer } = await import("@ai-platform/inference");
  const config = loadConfig({
    INFERENCE_MODELS: options.models.join(","),
    HOST: "127.0.0.1",
    PORT: String(options.port),
    INFERENCE_POLL_INTERVAL_MS: String(options.pollIntervalMs),
    INFERENCE_DRAIN_TIMEOUT_MS: "5000",
    LOG_LEVEL: "warn",
  });
  const server = await startInferenceServer(config, { connection, waitForModels: true });
  return { url: server.url, stop: () => server.close() };
}

/**
 * Sends the example request once and checks that it is answered with outputs, so the printed `curl` is known to
 * work. Returns a short description of the answer.
 */
export async function checkExample(example: ExampleRequest): Promise<string> {
  const response = await fetch(example.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(example.body),
  });
  const text = await response.text();
  if (response.status !== 200) {
    throw new LocalPlatformError(`the example request failed: HTTP ${response.status} ${text.slice(0, 300)}`);
  }
  const outputs = (JSON.parse(text) as { outputs?: { name: string; data: unknown[] }[] }).outputs ?? [];
  if (outputs.length === 0)
    throw new LocalPlatformError(`the example request returned no outputs: ${text.slice(0, 300)}`);
  const short = (v: unknown): unknown => (typeof v === "number" ? Number(v.toFixed(3)) : v);
  return `HTTP 200, ${outputs.map((o) => `${o.name}=${JSON.stringify(o.data.slice(0, 4).map(short))}`).join(", ")}`;
}
