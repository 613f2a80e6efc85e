/**
 * Who is looking, and whether they may act. Every request gets `request.viewer`; action routes add
 * {@link requireOperator} before the CSRF check. See {@link ConsoleAccess} for the two modes.
 */
import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ConsoleAccess } from "./config.js";

/** The person behind a request. */
export interface Viewer {
  /** Recorded as the actor of every action they take (audit trail). */
  actor: string;
  /** Operators see and may use the promote and rollback actions; everyone else reads. */
  canAct: boolean;
}

declare module "fastify" {
  interface FastifyRequest {
    viewer: Viewer;
  }
}

/** Name of the signed cookie that marks an operator session in `token` mode. */
export const OPERATOR_COOKIE = "console_operator";

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The viewer of a request under `access`. */
export function viewerOf(request: FastifyRequest, access: ConsoleAccess): Viewer {
  if (access.kind === "proxy") {
    const header = (name: string): string | undefined => {
      const v = request.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const who = header("x-forwarded-email") ?? header("x-forwarded-user");
    const groups = (header("x-forwarded-groups") ?? "").split(",").map((g) => g.trim());
    return { actor: who ?? "unknown", canAct: who !== undefined && groups.includes(access.operatorGroup) };
  }
  const cookie = request.cookies[OPERATOR_COOKIE];
  const signed = cookie === undefined ? undefined : request.unsignCookie(cookie);
  return signed?.valid && signed.value === "1"
    ? { actor: access.actor, canAct: true }
    : { actor: "viewer", canAct: false };
}

/** Decorates every request with its viewer; in `token` mode adds `GET /sign-in?token=` and `POST /sign-out`. */
export async function accessPlugin(app: FastifyInstance, access: ConsoleAccess): Promise<void> {
  app.decorateRequest("viewer", null as unknown as Viewer);
  app.addHook("onRequest", async (request) => {
    request.viewer = viewerOf(request, access);
  });
  if (access.kind !== "token") return;
  app.get<{ Querystring: { token?: string } }>(
    "/sign-in",
    { schema: { querystring: { type: "object", properties: { token: { type: "string", maxLength: 512 } } } } },
    async (request, reply) => {
      if (!sameSecret(request.query.token ?? "", access.operatorToken))
        return reply.code(403).type("text/plain").send("sign-in: the token is wrong; use the link `npm start` printed");
      return reply
        .setCookie(OPERATOR_COOKIE, "1", { signed: true, httpOnly: true, sameSite: "strict", path: "/" })
        .redirect("/");
    },
  );
  app.post("/sign-out", async (_request, reply) => reply.clearCookie(OPERATOR_COOKIE, { path: "/" }).redirect("/"));
}

/** A preHandler that answers 403 to read-only viewers. */
export async function requireOperator(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (!request.viewer.canAct)
    await reply.code(403).type("text/plain").send("read-only: your session may view the console but not act");
}
