/**
 * What a model source tells the served models (ServedModels): the models to serve, their versions and where the bytes are.
 * Sources: a Triton-layout directory (repository-source.ts) and the model registry (registry-source.ts).
 */
import type { FeatureBaseline } from "@ai-platform/contracts";
import type { ModelConfig } from "./model-config.js";

/** Training's per-feature baseline, stored with the model for drift detection (a wire type of the contracts). */
export type { FeatureBaseline } from "@ai-platform/contracts";

/** The model file for a session pool: a path to read in each worker, or already-verified bytes. */
export type ModelArtifact = { readonly path: string } | { readonly bytes: Uint8Array };

/** One version a source wants served. */
export interface VersionSpec {
  readonly version: number;
  /** Identity of the artifact (sha256, or size+mtime): a changed key reloads the version. */
  readonly key: string;
  /** Fetches the artifact, verifying its sha256 where one is recorded; rejects on a corrupt artifact. */
  readonly load: () => Promise<ModelArtifact>;
  /** Drift baseline, when training stored one. */
  readonly baseline: readonly FeatureBaseline[] | undefined;
}

/** One model a source wants served. */
export interface ModelSpec {
  readonly name: string;
  readonly config: ModelConfig;
  readonly versions: readonly VersionSpec[];
  /** The version unversioned requests get (the newest by policy, or the alias's version). */
  readonly defaultVersion: number;
}

/** A source of models; `scan()` returns the full desired state each time. */
export interface ModelSourceDriver {
  /** For logs, e.g. `repository /models`. */
  readonly description: string;
  /** The desired state now. A model that cannot be read is reported in `errors` and left out of `models`. */
  scan(): Promise<{ models: ModelSpec[]; errors: { model: string; message: string }[] }>;
  /** Calls `onChange` soon after the source changes (a filesystem watch); the store also polls. Returns a stop function. */
  watch?(onChange: () => void): () => void;
  /** Releases connections. */
  close(): Promise<void>;
}
