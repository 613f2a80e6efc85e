/**
 * `@ai-platform/pipeline`: the closed loop. A per-model policy (policy.ts) says what triggers a retrain, the gate
 * and the canary; the controller (controller.ts) runs it as a reconcile loop over the registry.
 */
export { PipelineController, type ControllerOptions } from "./controller.js";
export { loadPipelineConfig, type PipelineConfig } from "./config.js";
export { createPipelineMetrics, type PipelineMetrics } from "./metrics.js";
export { PolicyError, parsePolicy, validatePolicy, gateMetrics, type PipelinePolicy } from "./policy.js";
export { judgeStep, quantileOf, baselineOf, type StepVerdict } from "./rollout.js";
export {
  addExposition,
  scrapeSignals,
  type ServingSignals,
  type SignalSource,
  type VersionSignals,
} from "./signals.js";
export type { PipelineDoc, Phase, RunSummary, Trigger } from "./state.js";
export { openPipelineStore } from "./store.js";
export { driftTrigger, newDataTrigger, scheduleTrigger } from "./triggers.js";
export { pipelinePolicyExample } from "./example.js";
export { pipelineStatus, setPipelinePaused, setPipelinePolicy, type PipelineStatus } from "./commands.js";
