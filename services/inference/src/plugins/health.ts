/**
 * Health and server metadata: `GET /v2/health/live`, `/v2/health/ready` (every configured model loaded,
 * not draining; 503 otherwise), `GET /v2` and `POST /v2/repository/index`.
 */
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "./context.js";

/** Server name and version reported by `GET /v2`. */
export const SERVER_NAME = "ai-platform-inference";
/** Server version (the workspace package version). */
export const SERVER_VERSION = "0.1.0";
/** Protocol extensions this server supports (both transports report them). */
export const SERVER_EXTENSIONS: readonly string[] = Object.freeze(["binary_tensor_data", "model_repository"]);

/** Registers the health, server-metadata and repository-index routes. */
export async function healthPlugin(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  app.get("/v2/health/live", async () => ({ live: true }));
  app.get("/v2/health/ready", async (_request, reply) => {
    const ready = ctx.store.ready && !ctx.state.draining;
    return reply.code(ready ? 200 : 503).send({ ready });
  });
  app.get("/v2", async () => ({
    name: SERVER_NAME,
    version: SERVER_VERSION,
    extensions: SERVER_EXTENSIONS,
  }));
  app.post("/v2/repository/index", async () => ctx.store.index());
}
