/**
 * The fastify application factory: `build(config, deps)` wires the plugins and never listens
 * (tests drive it through `app.inject()`; server.ts listens). Models load in the background, so
 * liveness answers at once and readiness turns true when every model is loaded.
 */
import Fastify, { type FastifyInstance, LogController } from "fastify";
import type { InferenceConfig } from "./config.js";
import { type InferenceMetrics, createMetrics } from "./metrics.js";
import { ServedModels } from "./models/served-models.js";
import { installBodyParsing } from "./plugins/body.js";
import type { ServiceContext } from "./plugins/context.js";
import { installErrorHandling } from "./plugins/errors.js";
import { healthPlugin } from "./plugins/health.js";
import { inferPlugin } from "./plugins/infer.js";
import { metadataPlugin } from "./plugins/metadata.js";
import { metricsPlugin } from "./plugins/metrics.js";
import { installLoadShedding } from "./plugins/pressure.js";
import { type JwtVerifier, installSecurity } from "./plugins/security.js";
import { inferenceRunner } from "./run-inference.js";
import { repositorySource } from "./sources/repository-source.js";
import type { ModelSourceDriver } from "./sources/types.js";
import { availableCpus } from "./runtime/cpus.js";

/** What `build` takes besides the config; everything has a default so `build(config)` works. */
export interface InferenceDeps {
  /** The model source; default: the repository in `config.source` (registry mode needs one from `registrySource`). */
  readonly source?: ModelSourceDriver;
  /** Metrics registry; default: a fresh one. */
  readonly metrics?: InferenceMetrics;
  /** The API key (server.ts reads `config.apiKeyFile`); undefined = no API-key auth. */
  readonly apiKey?: string;
  /** JWT verification (server.ts builds it for `config.jwt`). */
  readonly verifyJwt?: JwtVerifier;
  /** Start loading models and polling the source on ready. Default true; tests set false and call `app.models.sync()`. */
  readonly autoSync?: boolean;
  /** Logger: false to silence, or pino options. Default: JSON at `config.logLevel`. */
  readonly logger?: boolean | { level: string };
  /** Random source for canary splits without a request id. */
  readonly random?: () => number;
}

declare module "fastify" {
  interface FastifyInstance {
    /** The served models. */
    models: ServedModels;
    /** Shared state (drain flag, metrics). */
    inference: ServiceContext;
  }
}

/** Builds the app (not listening). Close it with `app.close()`, which unloads every model. */
export async function build(config: InferenceConfig, deps: InferenceDeps = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? { level: config.logLevel },
    bodyLimit: config.bodyLimitBytes,
    requestIdHeader: "x-request-id",
    // Per-request access logs only at debug: at thousands of requests per second they would dominate the CPU.
    logController: new LogController({
      requestIdLogLabel: "requestId",
      disableRequestLogging: config.logLevel !== "debug" && config.logLevel !== "trace",
    }),
    forceCloseConnections: "idle",
    return503OnClosing: true,
    ajv: {
      customOptions: {
        allowUnionTypes: true,
        coerceTypes: false,
        removeAdditional: false,
        allErrors: false,
        useDefaults: false,
      },
    },
  });
  const source =
    deps.source ?? (config.source.kind === "repository" ? repositorySource(config.source.path) : undefined);
  if (!source) throw new Error("registry mode needs deps.source (see registrySource in sources/registry-source.ts)");
  const metrics = deps.metrics ?? createMetrics();
  const store = new ServedModels(source, {
    device: config.device,
    cpuLimit: config.cpuLimit ?? availableCpus(),
    metrics,
    log: app.log,
    random: deps.random,
  });
  const shared = {
    store,
    metrics,
    state: { draining: false },
    tracing: config.applicationInsightsConnectionString !== undefined,
    bodyLimit: config.bodyLimitBytes,
  };
  const ctx: ServiceContext = { ...shared, runInference: inferenceRunner(shared) };
  app.decorate("models", store);
  app.decorate("inference", ctx);

  installErrorHandling(app, config.bodyLimitBytes);
  await installLoadShedding(app, config.loadShedding);
  installBodyParsing(app);
  await installSecurity(app, {
    apiKey: deps.apiKey,
    verifyJwt: deps.verifyJwt,
    rateLimitPerSecond: config.rateLimitPerSecond,
  });
  await app.register(healthPlugin, ctx);
  await app.register(metadataPlugin, ctx);
  await app.register(inferPlugin, ctx);
  await app.register(metricsPlugin, ctx);

  if (deps.autoSync !== false) {
    app.addHook("onReady", async () => {
      app.log.info({ source: source.description }, "loading models");
      void store.sync().then(() => {
        app.log.info({ ready: store.ready, models: store.names() }, "initial model load finished");
        store.startWatching(config.pollIntervalMs);
      });
    });
  }
  // While draining, every response closes its connection, so keep-alive clients move to other pods
  // and the server can finish closing as soon as the in-flight requests are answered.
  // Callback style: no promise per response on the hot path.
  app.addHook("onSend", (_request, reply, payload, done) => {
    if (ctx.state.draining) void reply.header("connection", "close");
    done(null, payload);
  });
  app.addHook("onClose", async () => store.close());
  return app;
}
