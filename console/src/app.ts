/**
 * `buildConsole(config, deps)`: the console as a fastify app (never listens). Server-rendered pages with a small
 * charting script; actions (promote, rollback) only for operators, behind CSRF protection, recorded in the
 * registry's audit trail with the operator as actor.
 */
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyCookie from "@fastify/cookie";
import fastifyCsrf from "@fastify/csrf-protection";
import fastifyFormbody from "@fastify/formbody";
import fastifyHelmet from "@fastify/helmet";
import fastifyStatic from "@fastify/static";
import Fastify, { type FastifyInstance } from "fastify";
import type { ConsoleConfig } from "./config.js";
import { accessPlugin } from "./access.js";
import { MetricsSampler } from "./serving-metrics.js";
import { PlatformData } from "./platform-data.js";
import { readRoutes } from "./routes/read.js";
import { actionRoutes, type ConsoleActions } from "./routes/actions.js";

/** What the console needs besides its configuration (tests and the local platform pass their own). */
export interface ConsoleDeps {
  /** Promotion, rollback and comparison; default: `@ai-platform/training`'s. */
  actions?: ConsoleActions;
  /** Secret that signs the operator cookie; default: random per process (sign-ins end with the process). */
  cookieSecret?: string;
}

const publicDir = join(dirname(fileURLToPath(import.meta.url)), "..", "public");
const uplotDir = dirname(createRequire(import.meta.url).resolve("uplot"));

/** Builds the console app; `app.close()` stops metrics sampling and closes the platform clients. */
export async function buildConsole(config: ConsoleConfig, deps: ConsoleDeps = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: { level: config.logLevel }, bodyLimit: 64 * 1024 });
  const data = await PlatformData.open(config.connection);
  const sampler = config.inferenceUrl === undefined ? undefined : new MetricsSampler(config.inferenceUrl);
  app.addHook("onClose", async () => {
    sampler?.stop();
    data.close();
  });
  const training = await import("@ai-platform/training");
  const actions: ConsoleActions = deps.actions ?? {
    promote: training.promoteModel,
    rollback: training.rollbackModel,
    compare: training.compareVersions,
  };

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        frameSrc: ["'self'"],
        frameAncestors: ["'self'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    // The console is served over plain HTTP on loopback locally; on AKS TLS ends before it.
    strictTransportSecurity: false,
  });
  await app.register(fastifyCookie, { secret: deps.cookieSecret ?? randomBytes(32).toString("hex") });
  await app.register(fastifyFormbody);
  await app.register(fastifyCsrf, {
    sessionPlugin: "@fastify/cookie",
    cookieOpts: { path: "/", sameSite: "strict", httpOnly: true },
  });
  await app.register(fastifyStatic, { root: [publicDir, uplotDir], prefix: "/assets/", index: false, list: false });
  await accessPlugin(app, config.access); // not `register`: its hook must see every route
  app.setErrorHandler(async (error: Error & { statusCode?: number }, request, reply) => {
    // Client errors (validation, CSRF) and refused actions (a lost race, nothing to roll back to) say why.
    const status =
      error.statusCode !== undefined && error.statusCode < 500
        ? error.statusCode
        : error.name === "RegistryNotFoundError"
          ? 404
          : error.name === "RegistryConflictError" || request.method === "POST"
            ? 409
            : 500;
    if (status === 500) request.log.error(error);
    return reply
      .code(status)
      .type("text/plain")
      .send(status === 500 ? "internal error (see the console's log)" : error.message);
  });
  app.get("/healthz", async () => ({ ok: true }));
  await app.register(readRoutes, {
    data,
    sampler,
    inferenceUrl: config.inferenceUrl,
    actions,
    parityTolerance: training.parityTolerance,
  });
  await app.register(actionRoutes, { data, actions });
  if (sampler) {
    await sampler.sample();
    sampler.start(config.metricsIntervalMs);
  }
  return app;
}
