/**
 * Authentication (off unless configured): a bearer API key compared in constant time, and/or an Entra ID
 * JWT checked against the tenant's signing keys, issuer and audience. Health probes and /metrics stay open
 * (the kubelet and Prometheus scrape them inside the cluster). Optional per-client rate limit (429).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { InferenceError } from "../errors.js";

/** Verifies a bearer JWT; rejects when invalid (built from jose in server wiring, injected in tests). */
export type JwtVerifier = (token: string) => Promise<void>;

/** Security settings for one app. */
export interface SecurityOptions {
  /** The API key (read from the mounted secret file); undefined = no API-key auth. */
  readonly apiKey: string | undefined;
  /** JWT verification; undefined = no JWT auth. */
  readonly verifyJwt: JwtVerifier | undefined;
  /** Requests per second per client; undefined = no rate limit. */
  readonly rateLimitPerSecond: number | undefined;
}

const OPEN = /^\/(v2\/health\/|metrics($|\?))/;

function sameSecret(a: string, b: string): boolean {
  const x = createHash("sha256").update(a).digest();
  const y = createHash("sha256").update(b).digest();
  return timingSafeEqual(x, y);
}

/**
 * The credential check both transports run: `authorization` (`Bearer <api key or Entra ID token>`) or `x-api-key`;
 * resolves when accepted, rejects with a 401 InferenceError otherwise. Undefined when no auth is configured.
 */
export function credentialCheck(
  opts: Pick<SecurityOptions, "apiKey" | "verifyJwt">,
): ((authorization: string | undefined, apiKeyHeader: string | undefined) => Promise<void>) | undefined {
  const { apiKey, verifyJwt } = opts;
  if (apiKey === undefined && verifyJwt === undefined) return undefined;
  return async (authorization, apiKeyHeader) => {
    const token = authorization?.startsWith("Bearer ") ? authorization.slice(7).trim() : apiKeyHeader;
    if (token) {
      if (apiKey !== undefined && sameSecret(token, apiKey)) return;
      if (verifyJwt !== undefined && token.split(".").length === 3) {
        try {
          await verifyJwt(token);
          return;
        } catch {
          // fall through to 401
        }
      }
    }
    throw new InferenceError(
      401,
      token ? "invalid credentials" : "missing credentials: send Authorization: Bearer <api key or Entra ID token>",
    );
  };
}

/** Registers the auth hook and rate limit on `app` (not encapsulated: it guards every route). */
export async function installSecurity(app: FastifyInstance, opts: SecurityOptions): Promise<void> {
  if (opts.rateLimitPerSecond !== undefined) {
    await app.register(rateLimit, {
      global: true,
      max: opts.rateLimitPerSecond,
      timeWindow: 1000,
      allowList: (request: FastifyRequest) => OPEN.test(request.url),
      errorResponseBuilder: (_request, context) =>
        new InferenceError(429, `rate limit of ${context.max} requests per second exceeded; retry in ${context.after}`),
    });
  }
  const check = credentialCheck(opts);
  if (!check) return;
  app.addHook("onRequest", async (request, reply) => {
    if (OPEN.test(request.url)) return;
    try {
      await check(request.headers.authorization, request.headers["x-api-key"] as string | undefined);
    } catch (error) {
      void reply.header("www-authenticate", 'Bearer realm="inference"');
      throw error;
    }
  });
}
