/**
 * The records the model registry keeps. One Cosmos DB container (`models`, partition key `/name`) holds, per model
 * name: its versions (`type: "version"`, id `${name}@${version}`), the version counter, the alias map, the traffic
 * split and the audit trail. Both services read these shapes; the training service and the pipeline controller
 * write them.
 */

import type { FeatureBaseline, TensorSpec } from "@ai-platform/contracts";

/** The wire types of a registry record, defined once in the contracts. */
export type { FeatureBaseline, TensorDatatype, TensorSpec } from "@ai-platform/contracts";

/** Lifecycle of a model version: registered as a candidate, `production` while it holds that alias, then archived. */
export type ModelStatus = "candidate" | "production" | "archived";

/** What a caller supplies to register a version; the registry assigns `version`, `createdAt` and `status`. */
export interface NewModelVersion {
  name: string;
  createdBy: string;
  artifact: { uri: string; sha256: string; sizeBytes: number; format: "onnx"; opset: number; irVersion: number };
  signature: { inputs: TensorSpec[]; outputs: TensorSpec[] };
  task: "classification" | "regression";
  /** Class names in the order of the `probabilities` columns (classification only). */
  labels?: string[];
  /** What the user said about this version (`register --description`). */
  description?: string;
  /** Data decisions training made: columns left out and why. */
  notes?: string[];
  /** Numeric inputs take NaN (JSON `null` over the inference protocol) as a missing value the model imputes. */
  acceptsMissing?: boolean;
  algorithm: string;
  hyperparameters: Record<string, number | string | boolean>;
  /** Metrics on the untouched test split (e.g. accuracy, f1_macro, log_loss, roc_auc; mse, mae, r2). */
  metrics: Record<string, number>;
  /** Lineage: exactly the data the model saw. */
  dataset: { name: string; version: string; rowCount: number; contentHash: string };
  baseline: { features: FeatureBaseline[] };
  report?: { uri: string; sha256: string };
  /**
   * The held-out (test) rows this version was evaluated on, as a content-addressed JSONL artifact
   * (`{"features": number[], "target": number}` per line): promotion gates compare models on exactly these rows.
   */
  evaluation?: { heldOutUri: string; heldOutSha256: string; rows: number };
}

/** A registered model version as stored (`type: "version"`). */
export interface ModelVersion extends NewModelVersion {
  id: string;
  type: "version";
  version: number;
  status: ModelStatus;
  createdAt: string;
}

/**
 * How a model's unversioned requests split while a rollout runs (one `type: "traffic"` document per model, id
 * `traffic`). The inference service follows it for every model it serves by alias, on each registry poll.
 */
export interface TrafficSplit {
  /** Send `weight` (0..1) of unversioned requests to `version` instead of the served alias. */
  canary?: { version: number; weight: number };
  /** Mirror unversioned requests to `version` and count agreement; its answers are never returned. */
  shadow?: { version: number };
}

/** One entry of a model's audit trail: who changed what, when. */
export interface RegistryEvent {
  id: string;
  type: "event";
  name: string;
  /**
   * `register` (a new version), `set-alias` (promotion, rollback, staging), `set-traffic` (a canary weight or
   * shadow changed) or `pipeline` (a decision of the pipeline controller: `decision` names it).
   */
  action: "register" | "set-alias" | "set-traffic" | "pipeline";
  version: number;
  alias?: string;
  /** The version the alias pointed at before, if any. */
  previousVersion?: number;
  actor: string;
  reason?: string;
  /** `set-traffic`: the split from this event on (`{}` = all traffic to the alias). */
  traffic?: TrafficSplit;
  /** `pipeline`: what was decided, e.g. `triggered`, `gate-passed`, `canary-step`, `promoted`, `rolled-back`. */
  decision?: string;
  /** `pipeline`: the run the decision belongs to. */
  runId?: string;
  /** `pipeline`: the figures that justified the decision (PSI, row counts, metrics, error rate, p99). */
  figures?: Record<string, number | string | boolean>;
  at: string;
}

/** Thrown when a conditional write loses a race (ETag mismatch): nothing was changed; re-read and decide again. */
export class RegistryConflictError extends Error {
  override readonly name = "RegistryConflictError";
}

/** Thrown when an artifact's bytes do not hash to the sha256 the registry recorded. */
export class ArtifactIntegrityError extends Error {
  override readonly name = "ArtifactIntegrityError";
}

/** Thrown for a model, version or alias that does not exist. */
export class RegistryNotFoundError extends Error {
  override readonly name = "RegistryNotFoundError";
}
