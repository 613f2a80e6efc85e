/**
 * The controller's own Prometheus metrics, for Azure Monitor alerts: a stuck rollout
 * (`ai_platform_pipeline_rollout_stuck == 1`), the current phase and canary weight, and decisions by kind.
 */
import { Counter, Gauge, Registry } from "prom-client";

/** Phases a model's pipeline can be in (the `phase` label). */
export const phases = ["idle", "training", "gating", "canary", "promoting", "rolling-back"] as const;

/** The controller's metrics in their own registry (no process-global state). */
export interface PipelineMetrics {
  readonly registry: Registry;
  /** 1 while a phase outlasts its expected time by `guardrails.stuckAfter`. */
  readonly stuck: Gauge<"model">;
  /** 1 for the model's current phase, 0 for the others. */
  readonly phase: Gauge<"model" | "phase">;
  readonly canaryWeight: Gauge<"model">;
  readonly paused: Gauge<"model">;
  readonly decisions: Counter<"model" | "decision">;
}

/** Creates the metrics in a fresh registry. */
export function createPipelineMetrics(): PipelineMetrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    stuck: new Gauge({
      name: "ai_platform_pipeline_rollout_stuck",
      help: "1 while a model's pipeline phase has outlasted its expected time by guardrails.stuckAfter.",
      labelNames: ["model"],
      registers,
    }),
    phase: new Gauge({
      name: "ai_platform_pipeline_phase",
      help: "1 for the model's current pipeline phase.",
      labelNames: ["model", "phase"],
      registers,
    }),
    canaryWeight: new Gauge({
      name: "ai_platform_pipeline_canary_weight",
      help: "Share of unversioned traffic the rollout's candidate receives.",
      labelNames: ["model"],
      registers,
    }),
    paused: new Gauge({
      name: "ai_platform_pipeline_paused",
      help: "1 while the model's pipeline is paused.",
      labelNames: ["model"],
      registers,
    }),
    decisions: new Counter({
      name: "ai_platform_pipeline_decisions_total",
      help: "Pipeline decisions by kind (triggered, gate-passed, gate-failed, canary-step, promoted, rolled-back, ...).",
      labelNames: ["model", "decision"],
      registers,
    }),
  };
}
