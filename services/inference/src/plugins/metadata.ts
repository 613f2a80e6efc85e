/** Model metadata and readiness: `GET /v2/models/{name}[/versions/{v}]` and `.../ready`. */
import type { FastifyInstance } from "fastify";
import { modelParams } from "../protocol/schemas.js";
import type { ServiceContext } from "./context.js";

type Params = { name: string; version?: string };

/** Registers the model metadata and model-ready routes. */
export async function metadataPlugin(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  const metadata = async (request: { params: Params }) => {
    const { name, version } = request.params;
    const lv = ctx.store.get(name, version);
    return {
      name,
      versions: version === undefined ? ctx.store.versions(name).map((v) => String(v.version)) : [String(lv.version)],
      platform: "onnxruntime_onnx",
      inputs: lv.inputs,
      outputs: lv.outputs,
      parameters: {
        default_version: String(lv.version),
        max_batch_size: lv.config.maxBatchSize,
        execution_provider: lv.info.provider,
      },
    };
  };
  const ready = async (request: { params: Params }) => {
    const lv = ctx.store.get(request.params.name, request.params.version);
    return { name: lv.name, version: String(lv.version), ready: lv.serving };
  };
  const schema = { params: modelParams };
  app.get<{ Params: Params }>("/v2/models/:name", { schema }, metadata);
  app.get<{ Params: Params }>("/v2/models/:name/versions/:version", { schema }, metadata);
  app.get<{ Params: Params }>("/v2/models/:name/ready", { schema }, ready);
  app.get<{ Params: Params }>("/v2/models/:name/versions/:version/ready", { schema }, ready);
}
