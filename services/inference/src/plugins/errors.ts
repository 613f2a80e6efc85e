/**
 * Error mapping: every failure answers `{"error": "<precise message>"}` with the right status, and no
 * stack trace ever reaches a client (internal errors are logged with theirs and answered generically).
 */
import type { FastifyError, FastifyInstance } from "fastify";
import { InferenceError } from "../errors.js";

/** What a failed request answers: the status and the client-safe message. */
export function toHttpError(
  error: FastifyError | InferenceError | Error,
  bodyLimit: number,
): { status: number; message: string } {
  if (error instanceof InferenceError) return { status: error.statusCode, message: error.message };
  const e = error as FastifyError;
  if (e.validation) {
    const first = e.validation[0];
    const extra =
      first?.params && "additionalProperty" in first.params ? ` "${String(first.params.additionalProperty)}"` : "";
    const where = first?.instancePath
      ? `body${first.instancePath.replace(/\//g, ".")}`
      : (e.validationContext ?? "body");
    return { status: 400, message: `${where} ${first?.message ?? "is invalid"}${extra}` };
  }
  switch (e.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return { status: 413, message: `request body exceeds the limit of ${bodyLimit} bytes` };
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return { status: 415, message: "unsupported content type; send application/json or application/octet-stream" };
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return { status: 400, message: "request body is empty" };
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return { status: 400, message: `malformed JSON body: ${e.message}` };
  }
  if (error instanceof SyntaxError) return { status: 400, message: `malformed JSON body: ${error.message}` };
  if (typeof e.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500)
    return { status: e.statusCode, message: e.message };
  return { status: 500, message: "internal error" };
}

/** Installs the error and not-found handlers on `app`. */
export function installErrorHandling(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { status, message } = toHttpError(error, bodyLimit);
    if (status >= 500) request.log.error({ err: error }, "request failed");
    else request.log.info({ status, reason: message }, "request rejected");
    void reply
      .code(status)
      .type("application/json")
      .send({ error: status === 500 ? `${message} (request id ${request.id})` : message });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: `no route ${request.method} ${request.url.split("?")[0]}` });
  });
}
