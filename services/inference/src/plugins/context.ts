/** What the route plugins share: the model store, the metrics and the drain flag. */
import type { ModelStore } from "../models/model-store.js";
import type { InferenceMetrics } from "../metrics.js";

/** Shared state of one app instance (no module-level globals). */
export interface ServiceContext {
  readonly store: ModelStore;
  readonly metrics: InferenceMetrics;
  /** Set by the server on SIGTERM: readiness fails and new inference requests get 503. */
  readonly state: { draining: boolean };
  /** Largest accepted body, for messages. */
  readonly bodyLimit: number;
}
