/** The read-only pages: models, a model, a version, its report, a comparison, datasets, serving, audit. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { PlatformData } from "../platform-data.js";
import type { MetricsSampler } from "../serving-metrics.js";
import type { Html } from "../html.js";
import { NOTICE_COOKIE, type ConsoleActions } from "./actions.js";
import type { PageContext } from "../views/layout.js";
import { modelPage, modelsPage } from "../views/models.js";
import { versionPage } from "../views/version.js";
import { comparePage } from "../views/compare.js";
import { datasetPage, datasetsPage } from "../views/datasets.js";
import { servingPage } from "../views/serving.js";
import { auditPage } from "../views/audit.js";

/** What the read routes use. */
export interface ReadRouteOptions {
  data: PlatformData;
  sampler: MetricsSampler | undefined;
  inferenceUrl: string | undefined;
  actions: ConsoleActions;
  parityTolerance: number;
}

const modelName = { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$" } as const;
const datasetName = { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$" } as const;

function send(reply: FastifyReply, body: Html): FastifyReply {
  // Template indentation is layout-neutral whitespace (no <pre> in any view): a 500-row table is a third smaller.
  const page = body.value.replace(/\n\s+/g, "\n");
  return reply.type("text/html; charset=utf-8").header("cache-control", "no-store").send(page);
}

function notFound(reply: FastifyReply, what: string): FastifyReply {
  return reply.code(404).type("text/plain").send(`${what} not found`);
}

function ctx(request: FastifyRequest, section: PageContext["section"], notice?: string): PageContext {
  return { viewer: request.viewer, section, ...(notice ? { notice } : {}) };
}

/** Registers the read routes. */
export async function readRoutes(app: FastifyInstance, o: ReadRouteOptions): Promise<void> {
  const { data } = o;

  app.get("/", async (request, reply) => send(reply, modelsPage(await data.models(), ctx(request, "models"))));

  app.get<{ Params: { name: string } }>(
    "/models/:name",
    { schema: { params: { type: "object", properties: { name: modelName } } } },
    async (request, reply) => {
      const m = await data.model(request.params.name);
      if (!m) return notFound(reply, `model ${request.params.name}`);
      const csrfToken = request.viewer.canAct ? reply.generateCsrf() : undefined;
      const cookie = request.cookies[NOTICE_COOKIE];
      const notice = cookie === undefined ? undefined : request.unsignCookie(cookie);
      if (cookie !== undefined) reply.clearCookie(NOTICE_COOKIE, { path: "/" });
      return send(
        reply,
        modelPage(m, {
          ...ctx(request, "models", notice?.valid ? (notice.value ?? undefined) : undefined),
          ...(csrfToken ? { csrfToken } : {}),
        }),
      );
    },
  );

  const versionParams = {
    type: "object",
    properties: { name: modelName, version: { type: "integer", minimum: 1 } },
  } as const;
  app.get<{ Params: { name: string; version: number } }>(
    "/models/:name/versions/:version",
    { schema: { params: versionParams } },
    async (request, reply) => {
      const { name, version } = request.params;
      const [v, { aliases }] = await Promise.all([
        data.registry.getVersion(name, version),
        data.registry.getAliases(name),
      ]);
      if (!v) return notFound(reply, `${name} v${version}`);
      return send(reply, versionPage(v, aliases, o.parityTolerance, ctx(request, "models")));
    },
  );

  app.get<{ Params: { name: string; version: number } }>(
    "/models/:name/versions/:version/report",
    { schema: { params: versionParams } },
    async (request, reply) => {
      const { name, version } = request.params;
      const v = await data.registry.getVersion(name, version);
      const report = v ? await data.report(v) : undefined;
      if (!report) return notFound(reply, `training report of ${name} v${version}`);
      // The report is a stored artifact: shown sandboxed, without scripts or outside requests.
      return reply
        .type("text/html; charset=utf-8")
        .header(
          "content-security-policy",
          "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox",
        )
        .send(report);
    },
  );

  app.get<{ Params: { name: string }; Querystring: { a: number; b: number } }>(
    "/models/:name/compare",
    {
      schema: {
        params: { type: "object", properties: { name: modelName } },
        querystring: {
          type: "object",
          required: ["a", "b"],
          properties: { a: { type: "integer", minimum: 1 }, b: { type: "integer", minimum: 1 } },
        },
      },
    },
    async (request, reply) => {
      const { name } = request.params;
      const { a, b } = request.query;
      const [va, vb] = await Promise.all([data.registry.getVersion(name, a), data.registry.getVersion(name, b)]);
      if (!va || !vb) return notFound(reply, `${name} v${va ? b : a}`);
      const evaluation = await o.actions
        .compare(data.connection, { name, versions: [a, b], base: vb.evaluation ? b : a })
        .catch((error: unknown) => ({ error: (error as Error).message }));
      return send(reply, comparePage(va, vb, evaluation, o.parityTolerance, ctx(request, "models")));
    },
  );

  app.get("/datasets", async (request, reply) => {
    const names = await data.datasetNames();
    const all = (await Promise.all(names.map((n) => data.dataset(n)))).filter((d) => d !== undefined);
    return send(reply, datasetsPage(all, ctx(request, "datasets")));
  });

  app.get<{ Params: { name: string } }>(
    "/datasets/:name",
    { schema: { params: { type: "object", properties: { name: datasetName } } } },
    async (request, reply) => {
      const d = await data.dataset(request.params.name);
      if (!d) return notFound(reply, `dataset ${request.params.name}`);
      return send(reply, datasetPage(d, ctx(request, "datasets")));
    },
  );

  app.get("/serving", async (request, reply) => {
    await o.sampler?.sample();
    return send(
      reply,
      servingPage(
        {
          models: await data.routing(),
          inferenceUrl: o.inferenceUrl,
          history: o.sampler?.history() ?? [],
          scrapeError: o.sampler?.lastError,
        },
        { ...ctx(request, "serving"), charts: true },
      ),
    );
  });

  app.get<{ Querystring: { model?: string } }>(
    "/audit",
    { schema: { querystring: { type: "object", properties: { model: { anyOf: [modelName, { const: "" }] } } } } },
    async (request, reply) => {
      const model = request.query.model || undefined;
      const [events, models] = await Promise.all([data.audit(model), data.registry.listModels()]);
      return send(reply, auditPage(events, models, model, ctx(request, "audit")));
    },
  );
}
