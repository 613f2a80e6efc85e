/**
 * Promote and rollback. Only operators reach them (403 otherwise), every POST carries a CSRF token, and each change
 * is made through the training service's gated promotion and rollback, which record it in the audit trail with the
 * operator as actor.
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import type { compareVersions, promoteModel, rollbackModel } from "@ai-platform/training";
import { requireOperator } from "../access.js";
import type { PlatformData } from "../platform-data.js";
import { promotePage } from "../views/promote.js";

/** The operations behind the console's actions and comparison. */
export interface ConsoleActions {
  promote: typeof promoteModel;
  rollback: typeof rollbackModel;
  compare: typeof compareVersions;
}

const nameVersion = {
  type: "object",
  required: ["name", "version"],
  properties: {
    name: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$" },
    version: { type: "integer", minimum: 1 },
  },
} as const;

/** Name of the signed, one-minute cookie that carries an action's outcome to the page it redirects to. */
export const NOTICE_COOKIE = "console_notice";

/**
 * Redirects to the model page, which shows `notice` once. The outcome travels in a signed cookie, not the URL, so no
 * link can make the console display text of someone else's choosing.
 */
function back(reply: FastifyReply, name: string, notice: string): FastifyReply {
  return reply
    .setCookie(NOTICE_COOKIE, notice, { signed: true, httpOnly: true, sameSite: "strict", path: "/", maxAge: 60 })
    .redirect(`/models/${encodeURIComponent(name)}`, 303);
}

/** Registers the preview (GET) and the actions (POST). */
export async function actionRoutes(
  app: FastifyInstance,
  opts: { data: PlatformData; actions: ConsoleActions },
): Promise<void> {
  const { data, actions } = opts;
  const conn = data.connection;
  app.get<{ Params: { name: string; version: number } }>(
    "/models/:name/versions/:version/promote",
    { schema: { params: nameVersion }, preHandler: requireOperator },
    async (request, reply) => {
      const { name, version } = request.params;
      const gate = await actions.promote(conn, { name, version, actor: request.viewer.actor, dryRun: true });
      const token = reply.generateCsrf();
      return reply
        .type("text/html")
        .send(String(promotePage(name, gate, token, { viewer: request.viewer, section: "models" })));
    },
  );
  app.post<{ Params: { name: string; version: number }; Body: { reason?: string } }>(
    "/models/:name/versions/:version/promote",
    {
      schema: {
        params: nameVersion,
        body: { type: "object", properties: { reason: { type: "string", maxLength: 200 } } },
      },
      preHandler: [requireOperator, app.csrfProtection],
    },
    async (request, reply) => {
      const { name, version } = request.params;
      const reason = request.body.reason?.trim();
      const result = await actions.promote(conn, {
        name,
        version,
        actor: request.viewer.actor,
        ...(reason ? { reason: `console: ${reason}` } : {}),
      });
      return back(reply, name, result.message);
    },
  );
  app.post<{ Params: { name: string } }>(
    "/models/:name/rollback",
    {
      schema: { params: { type: "object", properties: nameVersion.properties } },
      preHandler: [requireOperator, app.csrfProtection],
    },
    async (request, reply) => {
      const { name } = request.params;
      const { from, to } = await actions.rollback(conn, { name, actor: request.viewer.actor });
      return back(reply, name, `${name}: production rolled back from v${from} to v${to}`);
    },
  );
}
