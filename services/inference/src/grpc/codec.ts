/**
 * gRPC ModelInfer messages ⇄ the protocol's request and tensors. Inputs arrive as typed `contents` or as
 * `raw_input_contents` (the binary tensor data layout, one entry per input in order); they are checked by the same
 * decoder as REST. Outputs always leave as `raw_output_contents`, the form every V2 client reads and the only one FP16
 * has.
 */
import { badRequest } from "../errors.js";
import type { LoadedVersion } from "../models/loaded-version.js";
import { encodeBinary } from "../protocol/codec.js";
import { type Datatype, type TensorData, datatypeOfOrt } from "../protocol/datatypes.js";
import { type DecodedRequest, type InferRequestBody, decodeRequest } from "../protocol/inference.js";

type Scalar = string | number | boolean;

/** An InferParameter as proto-loader gives it (`oneofs: true`). */
export interface GrpcParameter {
  readonly parameter_choice?: "bool_param" | "int64_param" | "string_param";
  readonly bool_param?: boolean;
  readonly int64_param?: number;
  readonly string_param?: string;
}

/** InferTensorContents as proto-loader gives it (`longs: Number`, bytes as Buffers). */
export interface GrpcContents {
  readonly bool_contents?: boolean[];
  readonly int_contents?: number[];
  readonly int64_contents?: number[];
  readonly uint_contents?: number[];
  readonly uint64_contents?: number[];
  readonly fp32_contents?: number[];
  readonly fp64_contents?: number[];
  readonly bytes_contents?: Buffer[];
}

/** ModelInferRequest as proto-loader gives it. */
export interface GrpcInferRequest {
  readonly model_name: string;
  readonly model_version: string;
  readonly id: string;
  readonly parameters?: Record<string, GrpcParameter>;
  readonly inputs?: {
    readonly name: string;
    readonly datatype: string;
    readonly shape?: number[];
    readonly parameters?: Record<string, GrpcParameter>;
    readonly contents?: GrpcContents;
  }[];
  readonly outputs?: { readonly name: string; readonly parameters?: Record<string, GrpcParameter> }[];
  readonly raw_input_contents?: Buffer[];
}

/** ModelInferResponse for proto-loader to encode. */
export interface GrpcInferResponse {
  model_name: string;
  model_version: string;
  id: string;
  outputs: { name: string; datatype: Datatype; shape: number[] }[];
  raw_output_contents: Buffer[];
}

function parameters(p: Record<string, GrpcParameter> | undefined): Record<string, Scalar> | undefined {
  if (!p) return undefined;
  const out: Record<string, Scalar> = {};
  for (const [k, v] of Object.entries(p)) {
    const value = v.parameter_choice ? v[v.parameter_choice] : undefined;
    if (value !== undefined) out[k] = value;
  }
  return out;
}

/** The typed contents field that carries a datatype's elements. */
function contentsOf(name: string, datatype: string, c: GrpcContents): unknown[] | undefined {
  switch (datatype) {
    case "BOOL":
      return c.bool_contents;
    case "INT8":
    case "INT16":
    case "INT32":
      return c.int_contents;
    case "INT64":
      return c.int64_contents;
    case "UINT8":
    case "UINT16":
    case "UINT32":
      return c.uint_contents;
    case "UINT64":
      return c.uint64_contents;
    case "FP32":
      return c.fp32_contents;
    case "FP64":
      return c.fp64_contents;
    case "BYTES":
      return c.bytes_contents?.map((b) => b.toString("utf8"));
    case "FP16":
      throw badRequest(`input "${name}": FP16 has no typed contents; send it in raw_input_contents`);
    default:
      return undefined;
  }
}

/** Checks a ModelInferRequest against the model and decodes its inputs (the REST decoder's rules and messages). */
export function decodeInferRequest(req: GrpcInferRequest, model: LoadedVersion): DecodedRequest {
  const inputs = req.inputs ?? [];
  const raw = req.raw_input_contents ?? [];
  if (inputs.length === 0) throw badRequest("inputs must have at least one input");
  if (raw.length > 0 && raw.length !== inputs.length)
    throw badRequest(`raw_input_contents has ${raw.length} entries for ${inputs.length} inputs`);
  const body: InferRequestBody = {
    id: req.id || undefined,
    parameters: parameters(req.parameters),
    inputs: inputs.map((input, i) => {
      const shape = input.shape ?? [];
      if (shape.some((d) => !Number.isInteger(d) || d < 0))
        throw badRequest(`input "${input.name}": shape [${shape.join(",")}] must hold non-negative integers`);
      const params = parameters(input.parameters) ?? {};
      const bytes = raw[i];
      if (bytes !== undefined) {
        if (input.contents) throw badRequest(`input "${input.name}": has both contents and raw_input_contents`);
        return {
          name: input.name,
          shape,
          datatype: input.datatype,
          parameters: { ...params, binary_data_size: bytes.length },
        };
      }
      const data = input.contents ? contentsOf(input.name, input.datatype, input.contents) : undefined;
      if (data === undefined) throw badRequest(`input "${input.name}": no contents and no raw_input_contents`);
      return { name: input.name, shape, datatype: input.datatype, parameters: params, data };
    }),
    outputs: req.outputs && req.outputs.length > 0 ? req.outputs.map((o) => ({ name: o.name })) : undefined,
  };
  const binary = raw.length === 0 ? undefined : raw.length === 1 ? raw[0] : Buffer.concat(raw);
  return decodeRequest(body, binary, model);
}

/** The ModelInferResponse: every output raw, in the requested order. */
export function encodeInferResponse(
  model: LoadedVersion,
  id: string,
  decoded: DecodedRequest,
  tensors: Record<string, TensorData>,
): GrpcInferResponse {
  const outputs: GrpcInferResponse["outputs"] = [];
  const raw: Buffer[] = [];
  for (const o of decoded.outputs) {
    const t = tensors[o.name];
    if (!t) throw new Error(`model produced no output "${o.name}"`);
    outputs.push({ name: o.name, datatype: datatypeOfOrt(t.type) ?? "BYTES", shape: [...t.dims] });
    raw.push(encodeBinary(t));
  }
  return { model_name: model.name, model_version: String(model.version), id, outputs, raw_output_contents: raw };
}
