/** What a loaded onnxruntime session reports and returns, shared by the worker pool and the inline session. */
import type { TensorData } from "../protocol/datatypes.js";

/**
 * The run cost measured on zeros (lower quartile of several runs): one row, and `rows` rows where every input has a batch dimension
 * (`elements` counts the input elements of each run).
 */
export interface RunCost {
  readonly oneUs: number;
  readonly oneElements: number;
  readonly manyUs?: number;
  readonly manyElements?: number;
}

/** What onnxruntime reports about one model input or output. */
export interface OrtValueMetadata {
  readonly name: string;
  readonly isTensor: boolean;
  readonly type?: string;
  readonly shape?: readonly (number | string)[];
}

/** The loaded session's signature and execution provider. */
export interface SessionInfo {
  readonly inputs: readonly OrtValueMetadata[];
  readonly outputs: readonly OrtValueMetadata[];
  /** `cuda` or `cpu`. */
  readonly provider: string;
  /** Why CUDA was asked for but CPU is used; undefined when there was no fallback. */
  readonly fallbackReason: string | undefined;
}

/** One execution's outputs and its time inside onnxruntime. */
export interface RunResult {
  readonly outputs: Record<string, TensorData>;
  readonly computeUs: number;
}
