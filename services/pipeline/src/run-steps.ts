/**
 * One decision of a model's run, by phase. Each function reads what it needs, decides, writes the next phase
 * (conditional on the document's ETag), carries out idempotent effects and records the decision with its figures.
 * It returns the new document, or undefined when the run must wait (a canary step still running, a cool-down).
 */
import { randomUUID } from "node:crypto";
import type { ModelRegistry, PlatformConnection, TrafficSplit } from "@ai-platform/registry";
import type * as Training from "@ai-platform/training";
import { gateMetrics, type PipelinePolicy } from "./policy.js";
import { baselineOf, judgeStep } from "./rollout.js";
import type { ServingSignals } from "./signals.js";
import type { Phase, PipelineDoc, PipelineStore, RunSummary, Trigger } from "./state.js";
import { driftTrigger, newDataTrigger, scheduleTrigger } from "./triggers.js";

type Figures = Record<string, number | string | boolean>;

/** What a decision needs; built by the controller for one model and one pass. */
export interface RunContext {
  name: string;
  policy: PipelinePolicy;
  /** The controller clock for this pass, ms. */
  now: number;
  actor: string;
  connection: PlatformConnection;
  registry: ModelRegistry;
  store: PipelineStore;
  signals(): Promise<ServingSignals | undefined>;
  train(conn: PlatformConnection, opts: Training.TrainOptions): Promise<{ version: { version: number } }>;
  record(version: number, decision: string, runId?: string, figures?: Figures, reason?: string): Promise<void>;
  /** Sets the model's traffic split unless it already is `traffic`. */
  setTraffic(traffic: TrafficSplit, reason: string): Promise<void>;
}

type Running = Exclude<Phase, { kind: "idle" }>;

/** The actor a run's training records on the version, so a resumed run adopts it instead of training twice. */
export const runActor = (runId: string): string => `pipeline/${runId}`;

/** Ends the run: back to idle, a summary in `runs`, a cool-down after a failure, the decision in the audit trail. */
async function finish(
  ctx: RunContext,
  doc: PipelineDoc,
  phase: Running,
  outcome: RunSummary["outcome"],
  detail: string,
  figures: Figures,
): Promise<PipelineDoc> {
  const candidate = phase.kind === "training" ? undefined : phase.candidate;
  const failed = outcome !== "promoted";
  const summary: RunSummary = {
    runId: phase.runId,
    trigger: phase.trigger.kind,
    ...(candidate === undefined ? {} : { candidate }),
    outcome,
    detail,
    at: ctx.now,
  };
  const next = await ctx.store.put({
    ...doc,
    phase: { kind: "idle" },
    runs: [...doc.runs, summary].slice(-20),
    ...(failed ? { cooldownUntil: ctx.now + ctx.policy.guardrails.cooldown } : {}),
  });
  await ctx.record(candidate ?? 0, outcome, phase.runId, figures, detail);
  return next;
}

async function idle(ctx: RunContext, doc: PipelineDoc): Promise<PipelineDoc | undefined> {
  if (doc.cooldownUntil !== undefined && ctx.now < doc.cooldownUntil) return undefined;
  const production = await ctx.registry.resolve(ctx.name, "production");
  if (!production) return undefined;
  const signals = await ctx.signals();
  const served = signals?.get(production.version);
  const drift = driftTrigger(ctx.policy, served && { psi: served.psi, rows: served.rows }, doc.driftSince, ctx.now);
  const schedule = scheduleTrigger(ctx.policy, doc.scheduleFrom ?? ctx.now, ctx.now);
  let trigger: Trigger | undefined = drift.trigger;
  if (!trigger && ctx.policy.triggers.newData) {
    const { listDatasetVersionsOf } = await import("@ai-platform/training");
    const latest = (await listDatasetVersionsOf(ctx.connection, ctx.policy.data.dataset)).at(-1);
    trigger = newDataTrigger(ctx.policy, {
      ...(latest ? { latest: { version: latest.version, rowCount: latest.rowCount } } : {}),
      trained: { version: production.dataset.version, rowCount: production.dataset.rowCount },
      ...(doc.lastDatasetVersion ? { lastRunVersion: doc.lastDatasetVersion } : {}),
    });
  }
  trigger ??= schedule.trigger;
  const { driftSince: _d, ...rest } = doc;
  const bookkeeping: PipelineDoc = {
    ...rest,
    ...(drift.driftSince === undefined ? {} : { driftSince: drift.driftSince }),
    scheduleFrom: schedule.scheduleFrom,
  };
  if (!trigger) {
    const changed = doc.driftSince !== bookkeeping.driftSince || doc.scheduleFrom !== bookkeeping.scheduleFrom;
    if (changed) await ctx.store.put(bookkeeping);
    return undefined;
  }
  const runId = `${new Date(ctx.now).toISOString().replace(/[-:.]/g, "").slice(0, 15)}-${randomUUID().slice(0, 8)}`;
  const { driftSince: _x, ...started } = bookkeeping;
  const next = await ctx.store.put({ ...started, phase: { kind: "training", runId, trigger, since: ctx.now } });
  await ctx.record(production.version, "triggered", runId, { trigger: trigger.kind, ...trigger.figures });
  return next;
}

async function training(ctx: RunContext, doc: PipelineDoc, p: Running & { kind: "training" }) {
  const actor = runActor(p.runId);
  const { data } = ctx.policy;
  let candidate = (await ctx.registry.listVersions(ctx.name)).find((v) => v.createdBy === actor);
  if (!candidate) {
    try {
      const { version } = await ctx.train(ctx.connection, {
        dataset: data.dataset,
        model: ctx.name,
        seed: data.seed,
        actor,
        ...(data.label ? { label: data.label } : {}),
        ...(data.algorithm ? { algorithm: data.algorithm } : {}),
        ...(data.search ? { search: data.search } : {}),
        ...(data.trials ? { trials: data.trials } : {}),
      });
      candidate = await ctx.registry.getVersion(ctx.name, version.version);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return finish(ctx, doc, p, "training-failed", message, { dataset: data.dataset });
    }
  }
  if (!candidate) return finish(ctx, doc, p, "training-failed", "the trained version is not in the registry", {});
  const next = await ctx.store.put({
    ...doc,
    lastDatasetVersion: candidate.dataset.version,
    phase: { ...p, kind: "gating", candidate: candidate.version, datasetVersion: candidate.dataset.version },
  });
  await ctx.record(candidate.version, "trained", p.runId, {
    candidate: candidate.version,
    datasetVersion: candidate.dataset.version,
    rows: candidate.dataset.rowCount,
    [ctx.policy.gate.metric]: candidate.metrics[ctx.policy.gate.metric] ?? Number.NaN,
  });
  return next;
}

async function gating(ctx: RunContext, doc: PipelineDoc, p: Running & { kind: "gating" }) {
  const production = (await ctx.registry.getAliases(ctx.name)).aliases.production;
  if (production === undefined) return finish(ctx, doc, p, "aborted", "the model has no production version", {});
  const { compareVersions } = await import("@ai-platform/training");
  const { metric, margin } = ctx.policy.gate;
  let cmp: Awaited<ReturnType<typeof compareVersions>>;
  try {
    cmp = await compareVersions(ctx.connection, {
      name: ctx.name,
      versions: [p.candidate, production],
      base: p.candidate,
    });
  } catch (error) {
    // Not comparable (other inputs or labels, no held-out rows, an unreadable artifact): the gate cannot pass.
    const detail = `the gate could not compare @${p.candidate} with production @${production}: ${error instanceof Error ? error.message : String(error)}`;
    return finish(ctx, doc, p, "gate-failed", detail, { candidate: p.candidate, production });
  }
  const value = (v: number): number => cmp.evaluations.find((e) => e.version === v)?.metrics[metric] ?? Number.NaN;
  const [c, prod] = [value(p.candidate), value(production)];
  const improvement = gateMetrics[metric] === "higher" ? c - prod : prod - c;
  const figures: Figures = {
    metric,
    candidate: p.candidate,
    production,
    candidateValue: c,
    productionValue: prod,
    improvement,
    margin,
    heldOutRows: cmp.rows,
    datasetVersion: p.datasetVersion,
  };
  if (!(improvement > margin)) {
    const detail = `${metric} ${c.toFixed(4)} vs production @${production} ${prod.toFixed(4)} on the same ${cmp.rows} held-out rows: improvement ${improvement.toFixed(4)} is not above the margin ${margin}`;
    return finish(ctx, doc, p, "gate-failed", detail, figures);
  }
  const signals = await ctx.signals();
  const next = await ctx.store.put({
    ...doc,
    phase: {
      kind: "canary",
      runId: p.runId,
      trigger: p.trigger,
      candidate: p.candidate,
      production,
      step: 0,
      since: ctx.now,
      baseline: baselineOf(signals?.get(p.candidate)),
    },
  });
  await ctx.record(p.candidate, "gate-passed", p.runId, figures);
  return next;
}

async function canary(ctx: RunContext, doc: PipelineDoc, p: Running & { kind: "canary" }) {
  const { steps, shadow } = ctx.policy.rollout;
  const production = (await ctx.registry.getAliases(ctx.name)).aliases.production;
  if (production !== p.production) {
    const reason = `production moved outside the pipeline (@${p.production} → @${production ?? "none"})`;
    const next = await ctx.store.put({ ...doc, phase: { ...p, kind: "rolling-back", reason, figures: {} } });
    return next;
  }
  const weight = steps[p.step]?.weight ?? 0;
  await ctx.setTraffic(
    { canary: { version: p.candidate, weight }, ...(shadow ? { shadow: { version: p.candidate } } : {}) },
    `pipeline run ${p.runId}: canary step ${p.step + 1}/${steps.length}`,
  );
  const signals = await ctx.signals();
  if (!signals) return undefined; // no figures, no decision: the stuck alert covers a lasting outage
  const verdict = judgeStep(ctx.policy, p.step, p.baseline, signals.get(p.candidate), ctx.now - p.since);
  if (verdict.kind === "hold") return undefined;
  if (verdict.kind === "breach") {
    return ctx.store.put({
      ...doc,
      phase: { ...p, kind: "rolling-back", reason: verdict.reason, figures: verdict.figures },
    });
  }
  await ctx.record(p.candidate, "canary-step-passed", p.runId, verdict.figures);
  if (p.step + 1 >= steps.length) return ctx.store.put({ ...doc, phase: { ...p, kind: "promoting", since: ctx.now } });
  return ctx.store.put({
    ...doc,
    phase: { ...p, step: p.step + 1, since: ctx.now, baseline: baselineOf(signals.get(p.candidate)) },
  });
}

async function promoting(ctx: RunContext, doc: PipelineDoc, p: Running & { kind: "promoting" }) {
  const { aliases, etag } = await ctx.registry.getAliases(ctx.name);
  if (aliases.production !== p.candidate && aliases.production !== p.production) {
    // Someone else moved production since the canary began: their choice stands, this run ends without promoting.
    const reason = `production moved outside the pipeline (@${p.production} → @${aliases.production ?? "none"})`;
    return ctx.store.put({ ...doc, phase: { ...p, kind: "rolling-back", reason, figures: {} } });
  }
  if (aliases.production !== p.candidate) {
    await ctx.registry.setAlias(ctx.name, "production", p.candidate, {
      actor: ctx.actor,
      ifMatch: etag,
      reason: `pipeline run ${p.runId}: every canary step passed`,
    });
  }
  await ctx.setTraffic({}, `pipeline run ${p.runId}: promoted, the canary ends`);
  return finish(ctx, doc, p, "promoted", `@${p.candidate} is production (was @${p.production})`, {
    candidate: p.candidate,
    previous: p.production,
    steps: ctx.policy.rollout.steps.length,
  });
}

async function rollingBack(ctx: RunContext, doc: PipelineDoc, p: Running & { kind: "rolling-back" }) {
  await ctx.setTraffic({}, `pipeline run ${p.runId}: rolled back (${p.reason})`);
  return finish(ctx, doc, p, "rolled-back", p.reason, {
    ...p.figures,
    candidate: p.candidate,
    production: p.production,
    cooldownSeconds: Math.round(ctx.policy.guardrails.cooldown / 1000),
  });
}

/** Takes the next decision of the model's run; undefined when there is nothing to do now. */
export function runStep(ctx: RunContext, doc: PipelineDoc): Promise<PipelineDoc | undefined> {
  const p = doc.phase;
  switch (p.kind) {
    case "idle":
      return idle(ctx, doc);
    case "training":
      return training(ctx, doc, p);
    case "gating":
      return gating(ctx, doc, p);
    case "canary":
      return canary(ctx, doc, p);
    case "promoting":
      return promoting(ctx, doc, p);
    case "rolling-back":
      return rollingBack(ctx, doc, p);
  }
}
