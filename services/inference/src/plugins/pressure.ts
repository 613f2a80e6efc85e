/**
 * Load shedding with @fastify/under-pressure: while the event loop lags or the heap nears its limit, requests get
 * 503 with `Retry-After` in the `onRequest` phase, before their body (up to the body limit) is read or parsed.
 * `/v2/health/live` is exempt, so a busy pod is not restarted for being busy; readiness and everything else shed.
 */
import { getHeapStatistics } from "node:v8";
import underPressure from "@fastify/under-pressure";
import type { FastifyInstance } from "fastify";

/** Seconds clients are told to wait (`Retry-After`) when the server sheds load. */
export const RETRY_AFTER_SECONDS = 2;

/** Options of {@link installLoadShedding}: the config's `loadShedding`. */
export interface LoadSheddingOptions {
  /** Event-loop delay that triggers shedding, ms; 0 turns the check off. */
  readonly maxEventLoopDelayMs: number;
  /** Heap use that triggers shedding, bytes; 0 means 90% of V8's heap limit. */
  readonly maxHeapUsedBytes: number;
}

/** Registers the load-shedding hook on the root (call before the routes). */
export async function installLoadShedding(app: FastifyInstance, opts: LoadSheddingOptions): Promise<void> {
  const maxHeapUsedBytes = opts.maxHeapUsedBytes || Math.floor(getHeapStatistics().heap_size_limit * 0.9);
  await app.register(underPressure, {
    maxEventLoopDelay: opts.maxEventLoopDelayMs,
    maxHeapUsedBytes,
    retryAfter: RETRY_AFTER_SECONDS,
    pressureHandler: (request, reply, type, value) => {
      if (request.url === "/v2/health/live") return;
      app.log.warn({ type, value }, "under pressure: shedding a request");
      // Sent here, so fastify stops the request after this hook (nothing is parsed or run).
      void reply
        .code(503)
        .header("retry-after", String(RETRY_AFTER_SECONDS))
        .send({ error: `server overloaded (${type} ${Math.round(value ?? 0)}); retry after ${RETRY_AFTER_SECONDS} s` });
    },
  });
}
