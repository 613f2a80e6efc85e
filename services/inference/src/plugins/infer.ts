/**
 * `POST /v2/models/{name}[/versions/{v}]/infer`: the shared inference path (run-inference.ts) with the JSON body
 * or the binary tensor data extension, answered as JSON or binary.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
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
  const handler = (request: FastifyRequest<{ Params: Params; Body: InferRequestBody }>, reply: FastifyReply) => {
    const body = request.body;
    return ctx.runInference(
      { name: request.params.name, version: request.params.version, id: body.id, requestId: request.id },
      (lv) => decodeRequest(body, binaryTail(request), lv),
      (lv, decoded, result) => {
        const binary: Buffer[] = [];
        const text = lv.responseJson.write(body.id, decoded.outputs, result.outputs, (name) => {
          const bytes = encodeBinary(result.outputs[name] as TensorData);
          binary.push(bytes);
          return bytes.length;
        });
        if (binary.length === 0) return reply.type(JSON_TYPE).send(text);
        const json = Buffer.from(text, "utf8");
        return reply
          .header("inference-header-content-length", json.length)
          .type("application/octet-stream")
          .send(Buffer.concat([json, ...binary]));
      },
    );
  };

  const options = { schema: { params: modelParams, body: inferRequestSchema }, bodyLimit: ctx.bodyLimit };
  app.post<{ Params: Params; Body: InferRequestBody }>("/v2/models/:name/infer", options, handler);
  app.post<{ Params: Params; Body: InferRequestBody }>("/v2/models/:name/versions/:version/infer", options, handler);
}
