/**
 * What `register` learns from an ONNX file before it accepts it: that it is an ONNX model at all, that it has
 * inputs, that onnxruntime loads it, and its signature (tensor inputs and outputs in Open Inference Protocol
 * datatypes), opsets, IR version and metadata (e.g. `classes`). Each failure says which of these it is.
 */
import onnxProto from "onnx-proto";
import * as ort from "onnxruntime-node";
import type { TensorDatatype, TensorSpec } from "@ai-platform/registry";

const { onnx } = onnxProto;
const T = onnx.TensorProto.DataType;

/** ONNX element type → OIP datatype (the ones the platform's protocol carries). */
const datatypes = new Map<number, TensorDatatype>([
  [T.FLOAT, "FP32"],
  [T.DOUBLE, "FP64"],
  [T.INT64, "INT64"],
  [T.INT32, "INT32"],
  [T.BOOL, "BOOL"],
  [T.STRING, "BYTES"],
]);

/** What an ONNX file declares. */
export interface OnnxFacts {
  signature: { inputs: TensorSpec[]; outputs: TensorSpec[] };
  /** The default domain's opset. */
  opset: number;
  irVersion: number;
  /** `metadata_props` as a plain object. */
  metadata: Record<string, string>;
  /** Outputs that are not tensors (e.g. scikit-learn's ZipMap), left out of the signature. */
  skippedOutputs: string[];
}

/** Thrown for a file that is not an acceptable model; the message says why. */
export class ModelFileError extends Error {
  override readonly name = "ModelFileError";
}

function spec(v: onnxProto.onnx.IValueInfoProto, where: string): TensorSpec | undefined {
  const t = v.type?.tensorType;
  if (!t) return undefined;
  const datatype = datatypes.get(t.elemType ?? 0);
  if (!datatype)
    throw new ModelFileError(
      `${where} "${v.name}" has ONNX element type ${t.elemType}, which the inference protocol does not carry`,
    );
  const dims = t.shape?.dim ?? [];
  return {
    name: v.name ?? "",
    datatype,
    shape: dims.map((d) =>
      d.dimValue !== undefined && d.dimValue !== null && Number(d.dimValue) > 0 ? Number(d.dimValue) : -1,
    ),
  };
}

/** Checks and describes an ONNX file; throws {@link ModelFileError} naming the problem. */
export async function inspectOnnx(bytes: Uint8Array, file: string): Promise<OnnxFacts> {
  let model: onnxProto.onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new ModelFileError(`--file: ${file} is not an ONNX model (${(error as Error).message})`, { cause: error });
  }
  if (!model.graph || !model.irVersion)
    throw new ModelFileError(`--file: ${file} is not an ONNX model (no graph or IR version in it)`);
  const initializers = new Set((model.graph.initializer ?? []).map((i) => i.name));
  const inputs = (model.graph.input ?? []).filter((i) => !initializers.has(i.name ?? ""));
  if (inputs.length === 0) throw new ModelFileError(`--file: ${file}: the graph has no inputs, so it cannot be served`);
  try {
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ["cpu"] });
    await session.release();
  } catch (error) {
    throw new ModelFileError(`--file: onnxruntime cannot load ${file}: ${(error as Error).message}`, { cause: error });
  }
  const signatureInputs = inputs.map((i) => {
    const s = spec(i, "input");
    if (!s) throw new ModelFileError(`--file: ${file}: input "${i.name}" is not a tensor`);
    return s;
  });
  const skippedOutputs: string[] = [];
  const outputs: TensorSpec[] = [];
  for (const o of model.graph.output ?? []) {
    const s = spec(o, "output");
    if (s) outputs.push(s);
    else skippedOutputs.push(o.name ?? "");
  }
  if (outputs.length === 0) throw new ModelFileError(`--file: ${file}: the graph has no tensor outputs`);
  const opset = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === "ai.onnx")?.version;
  return {
    signature: { inputs: signatureInputs, outputs },
    opset: Number(opset ?? 0),
    irVersion: Number(model.irVersion),
    metadata: Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key ?? "", p.value ?? ""])),
    skippedOutputs,
  };
}
