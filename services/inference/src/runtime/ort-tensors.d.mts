/** Types of ort-tensors.mjs (plain JavaScript shared with the session workers). */
import type { InferenceSession } from "onnxruntime-node";
import type { TensorData } from "../protocol/datatypes.js";
import type { OrtValueMetadata } from "./session-pool.js";

/** Wire feeds → onnxruntime tensors (no copy of the data). */
export function toOrtFeeds(feeds: Record<string, TensorData>): InferenceSession.FeedsType;
/** onnxruntime results → wire tensors (no copy of the data). */
export function fromOrtResults(results: InferenceSession.ReturnType): Record<string, TensorData>;
/** Zero-filled wire feeds with the first dynamic dimension set to `rows`, and their total element count. */
export function zeroFeeds(
  inputMetadata: readonly OrtValueMetadata[],
  rows?: number,
): { feeds: Record<string, TensorData>; elements: number };
/** True when every input's first dimension is dynamic. */
export function hasDynamicRows(inputMetadata: readonly OrtValueMetadata[]): boolean;
/** Options shared by every session. */
export function sessionOptions(
  intraOpNumThreads: number,
  executionProviders: readonly string[],
): InferenceSession.SessionOptions;
/** Creates a session from a model path or bytes. */
export function createSession(
  model: { readonly path: string } | { readonly bytes: Uint8Array },
  options: InferenceSession.SessionOptions,
): Promise<InferenceSession>;
