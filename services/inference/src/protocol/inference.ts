/**
 * Inference request → tensors, checked against the model's signature (responses are written by response-json.ts).
 * Every rejection names the input or output at fault.
 */
import type { InferRequestBody } from "@ai-platform/contracts";
import { badRequest } from "../errors.js";
import { checkFinite, decodeBinary, decodeJson } from "./codec.js";
import { type TensorData, type TensorMeta, isDatatype } from "./datatypes.js";

/** The request body after schema validation (the JSON part, for binary requests): a wire type of the contracts. */
export type { InferRequestBody } from "@ai-platform/contracts";

/** What the model signature and config contribute to validation. */
export interface ModelView {
  readonly inputs: readonly TensorMeta[];
  readonly outputs: readonly TensorMeta[];
  readonly maxBatchSize: number;
  readonly allowNonFinite: boolean;
}

/** A validated request, ready to run. */
export interface DecodedRequest {
  readonly feeds: Record<string, TensorData>;
  /** First dimension of the inputs (1 for models without a batch dimension). */
  readonly rows: number;
  /** Outputs to return, in order, each with whether it goes binary. */
  readonly outputs: readonly { name: string; binary: boolean }[];
}

/** Checks the request against the model and decodes every input (JSON data or a slice of the binary tail). */
export function decodeRequest(body: InferRequestBody, binary: Buffer | undefined, model: ModelView): DecodedRequest {
  const feeds: Record<string, TensorData> = {};
  let offset = 0;
  let rows: number | undefined;
  for (const input of body.inputs) {
    const meta = model.inputs.find((m) => m.name === input.name);
    if (!meta)
      throw badRequest(
        `unknown input "${input.name}"; the model's inputs are ${model.inputs.map((m) => `"${m.name}"`).join(", ")}`,
      );
    if (feeds[input.name]) throw badRequest(`input "${input.name}" is given more than once`);
    if (!isDatatype(input.datatype))
      throw badRequest(`input "${input.name}": unsupported datatype "${input.datatype}"`);
    if (input.datatype !== meta.datatype)
      throw badRequest(`input "${input.name}": datatype ${input.datatype} does not match the model's ${meta.datatype}`);
    // A column input `[N]` also takes `[N, 1]`, the shape exporters such as skl2onnx give one column.
    const shape =
      meta.shape.length === 1 && input.shape.length === 2 && input.shape[1] === 1
        ? [input.shape[0] as number]
        : input.shape;
    if (shape.length !== meta.shape.length || shape.some((d, i) => meta.shape[i] !== -1 && meta.shape[i] !== d)) {
      throw badRequest(
        `input "${input.name}": shape [${shape.join(",")}] does not match the model's [${meta.shape.join(",")}]`,
      );
    }
    const size = input.parameters?.binary_data_size;
    let tensor: TensorData;
    if (size !== undefined) {
      if (typeof size !== "number" || !Number.isInteger(size) || size < 0)
        throw badRequest(`input "${input.name}": binary_data_size must be a non-negative integer`);
      if (input.data !== undefined) throw badRequest(`input "${input.name}": has both data and binary_data_size`);
      if (!binary || offset + size > binary.length)
        throw badRequest(`input "${input.name}": binary_data_size ${size} runs past the end of the binary data`);
      tensor = decodeBinary(input.name, meta.datatype, shape, binary.subarray(offset, offset + size));
      offset += size;
      if (!model.allowNonFinite) checkFinite(input.name, tensor);
    } else {
      if (input.data === undefined)
        throw badRequest(`input "${input.name}": missing data (or parameters.binary_data_size)`);
      tensor = decodeJson(input.name, meta.datatype, shape, input.data, model.allowNonFinite);
    }
    if (model.maxBatchSize > 0) {
      const r = shape[0] ?? 1;
      if (rows !== undefined && r !== rows)
        throw badRequest(`input "${input.name}": batch size ${r} differs from the other inputs' ${rows}`);
      if (r > model.maxBatchSize)
        throw badRequest(`input "${input.name}": batch size ${r} exceeds max_batch_size ${model.maxBatchSize}`);
      rows = r;
    }
    feeds[input.name] = tensor;
  }
  if (binary && offset !== binary.length)
    throw badRequest(`binary data has ${binary.length - offset} bytes that no input claims`);
  for (const m of model.inputs) if (!feeds[m.name]) throw badRequest(`missing input "${m.name}"`);

  const allBinary = body.parameters?.binary_data_output === true;
  const requested = body.outputs ?? model.outputs.map((o) => ({ name: o.name, parameters: undefined }));
  const outputs = requested.map((o) => {
    if (!model.outputs.some((m) => m.name === o.name)) {
      throw badRequest(
        `unknown output "${o.name}"; the model's outputs are ${model.outputs.map((m) => `"${m.name}"`).join(", ")}`,
      );
    }
    const b = o.parameters?.binary_data;
    return { name: o.name, binary: b === undefined ? allBinary : b === true };
  });
  if (new Set(outputs.map((o) => o.name)).size !== outputs.length)
    throw badRequest("an output is requested more than once");
  return { feeds, rows: rows ?? 1, outputs };
}
