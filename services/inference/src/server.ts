/**
 * Listening and shutdown. `startInferenceServer` listens on the configured host/port (the local platform and
 * tests use it); `runServer` is the container entry's body: reads the API key file, sets up JWT validation and
 * Azure Monitor, then drains on SIGTERM (stop accepting, fail readiness, finish in-flight requests within the
 * deadline, exit).
 */
import { readFile } from "node:fs/promises";
import type { FastifyInstance } from "fastify";
import type { PlatformConnection } from "@ai-platform/registry";
import { type InferenceDeps, build } from "./app.js";
import type { InferenceConfig } from "./config.js";
import { startGrpcServer } from "./grpc/server.js";
import { entraJwtVerifier } from "./plugins/entra.js";
import { registryModelConfig, registrySource } from "./sources/registry-source.js";

/** A listening server. */
export interface RunningInferenceServer {
  /** `http://<host>:<port>` with the bound port. */
  readonly url: string;
  /** `<host>:<port>` of the gRPC service; undefined when gRPC is off (no INFERENCE_GRPC_PORT). */
  readonly grpcAddress: string | undefined;
  readonly app: FastifyInstance;
  /** Fails readiness, lets in-flight requests finish (up to the drain deadline) and closes. */
  close(): Promise<void>;
}

/** Extra inputs for starting a server. */
export interface StartOptions extends InferenceDeps {
  /** Registry connection, required when `config.source` is the registry (unless `source` is given). */
  readonly connection?: PlatformConnection;
  /** Resolve only after the first model load finished. Default false (readiness reports progress). */
  readonly waitForModels?: boolean;
}

/** Drains `app`: readiness turns false, new requests get 503, in-flight ones finish, then it closes. */
export async function drain(app: FastifyInstance, deadlineMs: number): Promise<void> {
  app.inference.state.draining = true;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      app.log.warn({ deadlineMs }, "drain deadline reached; closing with requests still in flight");
      resolve();
    }, deadlineMs);
  });
  await Promise.race([app.close(), deadline]);
  clearTimeout(timer);
}

/** Builds the app for `config` and listens; models load in the background unless `waitForModels`. */
export async function startInferenceServer(
  config: InferenceConfig,
  opts: StartOptions = {},
): Promise<RunningInferenceServer> {
  let source = opts.source;
  if (!source && config.source.kind === "registry") {
    const connection = opts.connection;
    if (!connection)
      throw new Error("registry mode needs a connection (COSMOS_ENDPOINT/STORAGE_BLOB_ENDPOINT or the local platform)");
    // Loaded only in registry mode: a repository-mode server never pulls in the Azure SDKs.
    const { openRegistry } = await import("@ai-platform/registry");
    source = registrySource(
      config.source.models,
      () => openRegistry(connection),
      registryModelConfig(config.source.serving),
      config.source.limits,
    );
  }
  const app = await build(config, { ...opts, source });
  await app.listen({ host: config.host, port: config.port });
  const grpc =
    config.grpcPort === undefined
      ? undefined
      : await startGrpcServer(app, {
          host: config.host,
          port: config.grpcPort,
          maxMessageBytes: config.bodyLimitBytes,
          apiKey: opts.apiKey,
          verifyJwt: opts.verifyJwt,
        }).catch(async (error: unknown) => {
          await app.close();
          throw error;
        });
  if (opts.waitForModels) await app.models.sync();
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  return {
    url: `http://${host}:${port}`,
    grpcAddress: grpc ? `${host}:${grpc.port}` : undefined,
    app,
    close: async () => {
      await Promise.all([drain(app, config.drainTimeoutMs), grpc?.close(config.drainTimeoutMs)]);
    },
  };
}

/** The container entry: security from files, telemetry, listen, drain on SIGTERM/SIGINT. */
export async function runServer(config: InferenceConfig, opts: StartOptions = {}): Promise<RunningInferenceServer> {
  if (config.applicationInsightsConnectionString) {
    const { useAzureMonitor } = await import("@azure/monitor-opentelemetry");
    useAzureMonitor({ azureMonitorExporterOptions: { connectionString: config.applicationInsightsConnectionString } });
  }
  const apiKey = config.apiKeyFile ? (await readFile(config.apiKeyFile, "utf8")).trim() : undefined;
  if (apiKey === "") throw new Error(`INFERENCE_API_KEY_FILE ${config.apiKeyFile} is empty`);
  const verifyJwt = config.jwt ? entraJwtVerifier(config.jwt.tenantId, config.jwt.audience) : undefined;
  const server = await startInferenceServer(config, { ...opts, apiKey, verifyJwt });
  server.app.log.info(
    { url: server.url, grpc: server.grpcAddress, source: config.source.kind, device: config.device },
    "inference server listening",
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.app.log.info({ signal, deadlineMs: config.drainTimeoutMs }, "draining");
    void server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
  return server;
}
