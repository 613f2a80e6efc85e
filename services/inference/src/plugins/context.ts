/** What the route plugins share: the served models, the metrics and the drain flag. */
import type { ServedModels } from "../models/served-models.js";
import type { InferenceMetrics } from "../metrics.js";
import type { RunInference } from "../run-inference.js";

/** Shared state of one app instance (no module-level globals). */
export interface ServiceContext {
  readonly store: ServedModels;
  readonly metrics: InferenceMetrics;
  /** Set by the server on SIGTERM: readiness fails and new inference requests get 503. */
  readonly state: { draining: boolean };
  /** True when OpenTelemetry exports traces (Azure Monitor configured): inference requests become spans. */
  readonly tracing: boolean;
  /** The inference path REST and gRPC share. */
  readonly runInference: RunInference;
  /** Largest accepted body, for messages. */
  readonly bodyLimit: number;
}
