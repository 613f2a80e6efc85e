/**
 * `POST /v2/models/{name}[/versions/{v}]/infer`: validate against the model, run off the event loop
 * (through the dynamic batcher when configured), answer JSON or binary, mirror to a shadow if configured.
 */
import { SpanStatusCode, trace } from "@opentelemetry/api";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { InferenceError, unavailable } from "../errors.js";
import type { LoadedVersion } from "../models/loaded-version.js";
import { cloneFeeds, outputsAgree } from "../models/shadow.js";
import type { TensorData } from "../protocol/datatypes.js";
import { encodeBinary } from "../protocol/codec.js";
import { type InferRequestBody, decodeRequest } from "../protocol/inference.js";
import { inferRequestSchema, modelParams } from "../protocol/schemas.js";
import { binaryTail } from "./body.js";
import type { ServiceContext } from "./context.js";

type Params = { name: string; version?: string };

const JSON_TYPE = "application/json; charset=utf-8";

/** Registers the inference routes; `bodyLimit` applies to them (binary payloads can be large). */
export async function inferPlugin(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  const m = ctx.metrics;
  // Only with Azure Monitor (OpenTelemetry) configured is every inference a span; otherwise not even a no-op one.
  const tracer = ctx.tracing ? trace.getTracer("ai-platform-inference") : undefined;

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

  const handler = async (request: FastifyRequest<{ Params: Params; Body: InferRequestBody }>, reply: FastifyReply) => {
    const started = performance.now();
    if (ctx.state.draining) {
      void reply.header("connection", "close");
      throw unavailable("server is shutting down");
    }
    const body = request.body;
    const route = ctx.store.route(request.params.name, request.params.version, body.id);
    const lv = route.primary;
    const meters = lv.meters;
    meters.pending.inc();
    const span = tracer?.startSpan("infer", {
      attributes: { "model.name": lv.name, "model.version": lv.version, "request.id": request.id },
    });
    try {
      const decoded = decodeRequest(body, binaryTail(request), lv);
      const shadowFeeds = route.shadow ? cloneFeeds(decoded.feeds) : undefined;
      let result;
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
      const binary: Buffer[] = [];
      const text = lv.responseJson.write(body.id, decoded.outputs, result.outputs, (name) => {
        const bytes = encodeBinary(result.outputs[name] as TensorData);
        binary.push(bytes);
        return bytes.length;
      });
      meters.requestDuration.observe((performance.now() - started) * 1000);
      if (binary.length === 0) return reply.type(JSON_TYPE).send(text);
      const json = Buffer.from(text, "utf8");
      return reply
        .header("inference-header-content-length", json.length)
        .type("application/octet-stream")
        .send(Buffer.concat([json, ...binary]));
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

  const options = { schema: { params: modelParams, body: inferRequestSchema }, bodyLimit: ctx.bodyLimit };
  app.post<{ Params: Params; Body: InferRequestBody }>("/v2/models/:name/infer", options, handler);
  app.post<{ Params: Params; Body: InferRequestBody }>("/v2/models/:name/versions/:version/infer", options, handler);
}
