/** `GET /metrics`: Prometheus text, with drift PSI refreshed from every loaded version at scrape time. */
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "./context.js";

/** Registers the metrics route. */
export async function metricsPlugin(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  app.get("/metrics", async (_request, reply) => {
    for (const name of ctx.store.names()) {
      for (const lv of ctx.store.versions(name)) {
        for (const [feature, value] of Object.entries(lv.drift?.psi() ?? {})) {
          ctx.metrics.featurePsi.set({ model: name, version: String(lv.version), feature }, value);
        }
      }
    }
    return reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });
}
