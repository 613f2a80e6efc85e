/**
 * The pipeline controller: a reconcile loop over every model with a pipeline policy. Each pass takes (or renews) the
 * model's lease, then moves its run one decision at a time: idle → training → gating → canary steps → promoting, or
 * → rolling-back. Every decision is first written as the next phase (ETag-conditional), then carried out with
 * idempotent effects (adopt a version this run already trained, set traffic only when it differs, move the alias
 * only when it differs), then recorded in the audit trail with its figures. A controller that dies anywhere leaves a
 * phase the next one resumes from once the lease expires; the `production` alias is one map entry moved with an
 * ETag condition, so there is never more than one production.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { openRegistry, type ModelRegistry, type PlatformConnection, type TrafficSplit } from "@ai-platform/registry";
import type * as Training from "@ai-platform/training";
import { createPipelineMetrics, phases, type PipelineMetrics } from "./metrics.js";
import { parsePolicy, type PipelinePolicy } from "./policy.js";
import { runStep, type RunContext } from "./run-steps.js";
import type { SignalSource } from "./signals.js";
import { openPipelineStore } from "./store.js";
import type { PipelineDoc, PipelineStore } from "./state.js";

/** Options of {@link PipelineController}. */
export interface ControllerOptions {
  connection: PlatformConnection;
  /** Where serving signals come from (the inference replicas' `/metrics`). */
  signals: SignalSource;
  /** The controller's clock in ms. Default `Date.now`; tests inject one to skip real windows. */
  clock?: () => number;
  /** This controller's identity in leases and the audit trail. Default `<hostname>/<pid>/<random>`. */
  holder?: string;
  /** How long a lease lasts without renewal. Default 5 minutes (longer than one pass, training included). */
  leaseMs?: number;
  /** Decisions one pass may take for one model. Default 8 (a pass normally stops at a canary step that must wait). */
  decisionsPerPass?: number;
  /** Default: fresh metrics in their own registry. */
  metrics?: PipelineMetrics;
  /** Structured log lines. Default: none. */
  log?: (event: Record<string, unknown>) => void;
  /** Trains a candidate. Default: `trainModel` of `@ai-platform/training`, in this process. */
  train?: (conn: PlatformConnection, opts: Training.TrainOptions) => Promise<{ version: { version: number } }>;
}

/** Runs every model's pipeline policy; see the module comment. */
export class PipelineController {
  readonly metrics: PipelineMetrics;
  readonly holder: string;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closed = false;

  private constructor(
    private readonly opts: ControllerOptions,
    private readonly store: PipelineStore,
    private readonly registry: ModelRegistry,
    private readonly release: () => void,
  ) {
    this.metrics = opts.metrics ?? createPipelineMetrics();
    this.holder = opts.holder ?? `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  }

  /** Opens the registry and pipeline store for `opts.connection`. */
  static async open(opts: ControllerOptions): Promise<PipelineController> {
    const reg = await openRegistry(opts.connection);
    const store = openPipelineStore(opts.connection);
    return new PipelineController(opts, store.store, reg.registry, () => (store.close(), reg.close()));
  }

  private now(): number {
    return (this.opts.clock ?? Date.now)();
  }

  private log(event: Record<string, unknown>): void {
    this.opts.log?.({ holder: this.holder, ...event });
  }

  /** One pass over every model with a policy; a failure on one model is logged and the others still run. */
  async reconcile(): Promise<void> {
    for (const name of await this.store.names()) {
      try {
        await this.reconcileModel(name);
      } catch (error) {
        this.log({ event: "reconcile-failed", model: name, error: error instanceof Error ? error.message : error });
      }
    }
  }

  /** One pass for one model; returns its document afterwards (undefined without a policy). */
  async reconcileModel(name: string): Promise<PipelineDoc | undefined> {
    let doc = await this.store.get(name);
    if (!doc) return undefined;
    const now = this.now();
    const policy = parsePolicy(doc.policy.source, `the pipeline policy of ${name}`);
    const lease = doc.lease;
    if (lease && lease.holder !== this.holder && lease.expiresAt > now) return doc;
    const leaseMs = this.opts.leaseMs ?? 300_000;
    const takenOver = lease !== undefined && lease.holder !== this.holder && doc.phase.kind !== "idle";
    doc = await this.store.put({ ...doc, lease: { holder: this.holder, expiresAt: now + leaseMs } });
    const ctx = this.context(name, policy, now);
    if (takenOver && doc.phase.kind !== "idle") {
      await ctx.record(doc.phase.kind === "training" ? 0 : doc.phase.candidate, "resumed", doc.phase.runId, {
        previousHolder: lease.holder,
        phase: doc.phase.kind,
      });
    }
    if (!doc.paused) {
      for (let i = 0; i < (this.opts.decisionsPerPass ?? 8); i++) {
        const next = await runStep(ctx, doc);
        if (!next) break;
        doc = next;
      }
    }
    // A pass may also have written bookkeeping (drift window, schedule) without a decision: read what is stored.
    doc = await this.markStuck((await this.store.get(name)) ?? doc, policy, now);
    this.observe(name, doc, policy);
    return doc;
  }

  private context(name: string, policy: PipelinePolicy, now: number): RunContext {
    const actor = `pipeline-controller/${this.holder}`;
    return {
      name,
      policy,
      now,
      actor,
      connection: this.opts.connection,
      registry: this.registry,
      store: this.store,
      signals: async () => {
        try {
          return await this.opts.signals(name);
        } catch (error) {
          this.log({ event: "signals-unavailable", model: name, error: String(error) });
          return undefined;
        }
      },
      train: this.opts.train ?? (async (c, o) => (await import("@ai-platform/training")).trainModel(c, o)),
      record: async (version, decision, runId, figures, reason) => {
        this.metrics.decisions.inc({ model: name, decision });
        this.log({ event: "decision", model: name, decision, runId, version, figures, reason });
        await this.registry.recordEvent({
          name,
          action: "pipeline",
          version,
          actor,
          decision,
          ...(runId === undefined ? {} : { runId }),
          ...(figures === undefined ? {} : { figures }),
          ...(reason === undefined ? {} : { reason }),
        });
      },
      setTraffic: async (traffic: TrafficSplit, reason: string) => {
        const current = await this.registry.getTraffic(name);
        if (JSON.stringify(current) !== JSON.stringify(traffic))
          await this.registry.setTraffic(name, traffic, { actor, reason });
      },
    };
  }

  /** Sets or clears `stuck`: a phase that outlasts its expected time (a canary step's duration) by `stuckAfter`. */
  private async markStuck(doc: PipelineDoc, policy: PipelinePolicy, now: number): Promise<PipelineDoc> {
    const p = doc.phase;
    const expected = p.kind === "canary" ? (policy.rollout.steps[p.step]?.duration ?? 0) : 0;
    const stuck = p.kind !== "idle" && !doc.paused && now - p.since > expected + policy.guardrails.stuckAfter;
    if ((doc.stuck ?? false) === stuck) return doc;
    if (stuck) this.log({ event: "rollout-stuck", model: doc.name, phase: p.kind });
    return this.store.put({ ...doc, stuck });
  }

  private observe(name: string, doc: PipelineDoc, policy: PipelinePolicy): void {
    for (const phase of phases) this.metrics.phase.set({ model: name, phase }, doc.phase.kind === phase ? 1 : 0);
    this.metrics.stuck.set({ model: name }, doc.stuck ? 1 : 0);
    this.metrics.paused.set({ model: name }, doc.paused ? 1 : 0);
    const weight = doc.phase.kind === "canary" ? (policy.rollout.steps[doc.phase.step]?.weight ?? 0) : 0;
    this.metrics.canaryWeight.set({ model: name }, weight);
  }

  /** Reconciles every `intervalMs` (passes never overlap). */
  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      if (this.running || this.closed) return;
      this.running = this.reconcile().finally(() => (this.running = undefined));
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops the loop, waits for the pass in flight, hands back this controller's leases and closes the clients. */
  async stop(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.running;
    for (const name of await this.store.names().catch(() => [] as string[])) {
      const doc = await this.store.get(name).catch(() => undefined);
      if (doc?.lease?.holder === this.holder)
        await this.store.put({ ...doc, lease: { ...doc.lease, expiresAt: 0 } }).catch(() => undefined);
    }
    this.release();
  }
}
