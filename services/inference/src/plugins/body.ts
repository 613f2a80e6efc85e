/**
 * Body parsing for inference requests: plain JSON, or the binary tensor data extension (a JSON header of
 * `Inference-Header-Content-Length` bytes followed by the tensors), under either content type.
 * The JSON goes through fastify's own parser (prototype-poisoning protection) and then the route schema.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { badRequest } from "../errors.js";

const tails = new WeakMap<FastifyRequest, Buffer>();

/** The binary part of a binary-extension request (undefined for plain JSON requests). */
export function binaryTail(request: FastifyRequest): Buffer | undefined {
  return tails.get(request);
}

/** Registers the parsers on `app`. */
export function installBodyParsing(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser("error", "error");
  const parser = (request: FastifyRequest, body: Buffer, done: (err: Error | null, body?: unknown) => void): void => {
    const header = request.headers["inference-header-content-length"];
    let jsonBytes = body;
    if (header !== undefined) {
      const n = Number(header);
      if (!Number.isInteger(n) || n < 0 || n > body.length) {
        done(
          badRequest(
            `Inference-Header-Content-Length ${String(header)} must be an integer between 0 and the body length ${body.length}`,
          ),
        );
        return;
      }
      jsonBytes = body.subarray(0, n);
      tails.set(request, body.subarray(n));
    } else if (request.headers["content-type"]?.startsWith("application/octet-stream")) {
      done(badRequest("binary request without the Inference-Header-Content-Length header"));
      return;
    }
    const text = jsonBytes.toString("utf8");
    parseJson(request, text, (err, parsed) => {
      if (!err) return done(null, parsed);
      // fastify's message is generic; JSON.parse's names the position. Poisoned-but-valid JSON keeps fastify's error.
      try {
        JSON.parse(text);
      } catch (syntax) {
        return done(text.trim() === "" ? err : badRequest(`malformed JSON body: ${(syntax as Error).message}`));
      }
      done(err);
    });
  };
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, parser);
  app.addContentTypeParser("application/octet-stream", { parseAs: "buffer" }, parser);
}
