/**
 * Shapes that cross a process boundary: the registry records both services read, and the Open Inference Protocol
 * request body clients send. Plain data, no behaviour.
 */

/** Open Inference Protocol datatypes the platform's models use. */
export type TensorDatatype = "FP32" | "FP64" | "INT64" | "INT32" | "BOOL" | "BYTES";

/** One named tensor of a model's signature, in the Open Inference Protocol's metadata form. */
export interface TensorSpec {
  readonly name: string;
  readonly datatype: TensorDatatype;
  /** Dimensions; `-1` is dynamic (the first one is the batch). */
  readonly shape: readonly number[];
}

/** Where the training baseline of one input feature lies, for drift detection. */
export interface FeatureBaseline {
  readonly name: string;
  readonly mean: number;
  readonly std: number;
  /** Histogram bin edges, ascending (length = bins + 1), over the training split. */
  readonly binEdges: readonly number[];
  /** Fraction of training rows in each bin (sums to 1). */
  readonly binFractions: readonly number[];
}

/** Request or tensor parameters of the Open Inference Protocol. */
export type InferParameters = Record<string, string | number | boolean>;

/** One input tensor of an inference request. */
export interface InferRequestInput {
  name: string;
  shape: number[];
  datatype: string;
  parameters?: InferParameters;
  /** Row-major values; absent for a tensor sent in the binary extension. */
  data?: unknown;
}

/** An Open Inference Protocol (KServe V2) infer request body (the JSON part, for binary requests). */
export interface InferRequestBody {
  id?: string;
  parameters?: InferParameters;
  inputs: InferRequestInput[];
  outputs?: { name: string; parameters?: InferParameters }[];
}
