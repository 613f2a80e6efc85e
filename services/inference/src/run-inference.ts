/**
 * One inference request from routing to the encoded answer, shared by REST and gRPC so both get the same models,
 * errors, metrics, batching, canary and shadow: route (version, canary split), decode against the model, run
 * (inline or on the workers, batched when configured), count, mirror to a shadow, encode.
 */
import { SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";
import { InferenceError, unavailable } from "./errors.js";
import type { InferResult, LoadedVersion } from "./models/loaded-version.js";
import { cloneFeeds, outputsAgree } from "./models/shadow.js";
import type { TensorData } from "./protocol/datatypes.js";
import type { DecodedRequest } from "./protocol/inference.js";
import type { ServiceContext } from "./plugins/context.js";

/** Which model a request is for, and its id (for the sticky canary split). */
export interface InferenceTarget {
  readonly name: string;
  readonly version: string | undefined;
  readonly id: string | undefined;
  /** The transport's request id, for the span. */
  readonly requestId: string;
}

/** Runs requests for one app; `encode` turns the outputs into the transport's answer. */
export type RunInference = <T>(
  target: InferenceTarget,
  decode: (lv: LoadedVersion) => DecodedRequest,
  encode: (lv: LoadedVersion, decoded: DecodedRequest, result: InferResult) => T,
) => Promise<T>;

/** The request path for `ctx`'s models. */
export function inferenceRunner(ctx: Omit<ServiceContext, "runInference">): RunInference {
  const m = ctx.metrics;
  // Only with Azure Monitor (OpenTelemetry) configured is every inference a span; otherwise not even a no-op one.
  const tracer: Tracer | undefined = ctx.tracing ? trace.getTracer("ai-platform-inference") : undefined;

  const shadowRun = (
    primary: LoadedVersion,
    shadow: LoadedVersion,
    feeds: Record<string, TensorData>,
    rows: number,
    expected: Record<string, TensorData>,
  ): void => {
    const labels = { model: primary.name, version: String(primary.version), challenger: String(shadow.version) };
    shadow
      .infer(feeds, rows, undefined)
      .then((r) => m.shadow.inc({ ...labels, result: outputsAgree(expected, r.outputs) ? "agree" : "disagree" }))
      .catch(() => m.shadow.inc({ ...labels, result: "error" }));
  };

  return async (target, decode, encode) => {
    const started = performance.now();
    if (ctx.state.draining) throw unavailable("server is shutting down");
    const route = ctx.store.route(target.name, target.version, target.id);
    const lv = route.primary;
    const meters = lv.meters;
    meters.pending.inc();
    const span = tracer?.startSpan("infer", {
      attributes: { "model.name": lv.name, "model.version": lv.version, "request.id": target.requestId },
    });
    try {
      const decoded = decode(lv);
      const shadowFeeds = route.shadow ? cloneFeeds(decoded.feeds) : undefined;
      let result: InferResult;
      try {
        result = await lv.infer(
          decoded.feeds,
          decoded.rows,
          decoded.outputs.map((o) => o.name),
        );
      } catch (error) {
        if (error instanceof InferenceError) throw error;
        throw new InferenceError(
          500,
          `inference failed in onnxruntime: ${(error instanceof Error ? error.message : String(error)).split("\n")[0]}`,
        );
      }
      meters.success.inc();
      meters.inferenceCount.inc(decoded.rows);
      meters.queueDuration.observe(result.queueUs);
      if (route.shadow && shadowFeeds) shadowRun(lv, route.shadow, shadowFeeds, decoded.rows, result.outputs);
      const answer = encode(lv, decoded, result);
      meters.requestDuration.observe((performance.now() - started) * 1000);
      return answer;
    } catch (error) {
      const status = error instanceof InferenceError ? error.statusCode : 500;
      span?.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      span?.setAttribute("http.response.status_code", status);
      (status === 503 || status < 500 ? meters.rejected : meters.backend).inc();
      throw error;
    } finally {
      span?.end();
      meters.pending.dec();
    }
  };
}
