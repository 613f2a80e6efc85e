/**
 * The programmatic API behind `npx ai-platform pipeline set|status|pause|resume`: each call opens and closes its own
 * clients. A policy is validated before it is stored; pause and resume are recorded in the audit trail.
 */
import { openRegistry, type PlatformConnection, type RegistryEvent, type TrafficSplit } from "@ai-platform/registry";
import { parsePolicy, type PipelinePolicy } from "./policy.js";
import type { PipelineDoc } from "./state.js";
import { openPipelineStore } from "./store.js";

/** Stores `source` as the model's pipeline policy (after validating it); the run in progress, if any, carries on. */
export async function setPipelinePolicy(
  conn: PlatformConnection,
  name: string,
  source: string,
  opts: { actor: string; file?: string },
): Promise<{ policy: PipelinePolicy; created: boolean }> {
  const policy = parsePolicy(source, opts.file ?? "the policy");
  const reg = await openRegistry(conn);
  const { store, close } = openPipelineStore(conn);
  try {
    if ((await reg.registry.listVersions(name)).length === 0)
      throw new Error(
        `model "${name}" is not registered: train and promote a first version before setting its pipeline`,
      );
    let created = false;
    await store.update(name, (doc) => {
      created = doc === undefined;
      const set = { source, setAt: new Date().toISOString(), setBy: opts.actor };
      return doc
        ? { ...doc, policy: set }
        : { id: "pipeline", type: "pipeline", name, policy: set, paused: false, phase: { kind: "idle" }, runs: [] };
    });
    const production = (await reg.registry.getAliases(name)).aliases.production ?? 0;
    await reg.registry.recordEvent({
      name,
      action: "pipeline",
      version: production,
      actor: opts.actor,
      decision: "policy-set",
      figures: {
        dataset: policy.data.dataset,
        gateMetric: policy.gate.metric,
        gateMargin: policy.gate.margin,
        canarySteps: policy.rollout.steps.map((s) => s.weight).join(","),
      },
    });
    return { policy, created };
  } finally {
    close();
    reg.close();
  }
}

/** Pauses (no decision is taken, the current phase waits) or resumes a model's pipeline. */
export async function setPipelinePaused(
  conn: PlatformConnection,
  name: string,
  paused: boolean,
  opts: { actor: string; reason?: string },
): Promise<PipelineDoc> {
  const reg = await openRegistry(conn);
  const { store, close } = openPipelineStore(conn);
  try {
    const doc = await store.update(name, (d) => {
      if (!d) throw new Error(`model "${name}" has no pipeline policy: set one with \`pipeline set ${name} --file …\``);
      return { ...d, paused };
    });
    await reg.registry.recordEvent({
      name,
      action: "pipeline",
      version: doc.phase.kind === "idle" || doc.phase.kind === "training" ? 0 : doc.phase.candidate,
      actor: opts.actor,
      decision: paused ? "paused" : "resumed-by-user",
      ...(opts.reason ? { reason: opts.reason } : {}),
      figures: { phase: doc.phase.kind },
    });
    return doc;
  } finally {
    close();
    reg.close();
  }
}

/** What `pipeline status` shows. */
export interface PipelineStatus {
  name: string;
  doc: PipelineDoc;
  policy: PipelinePolicy;
  production?: number;
  traffic: TrafficSplit;
  /** The model's audit trail from the pipeline's point of view (decisions, traffic, alias moves), oldest first. */
  history: RegistryEvent[];
}

/** The model's pipeline state, traffic split and decision history. */
export async function pipelineStatus(conn: PlatformConnection, name: string): Promise<PipelineStatus> {
  const reg = await openRegistry(conn);
  const { store, close } = openPipelineStore(conn);
  try {
    const doc = await store.get(name);
    if (!doc) throw new Error(`model "${name}" has no pipeline policy: set one with \`pipeline set ${name} --file …\``);
    const [aliases, traffic, events] = await Promise.all([
      reg.registry.getAliases(name),
      reg.registry.getTraffic(name),
      reg.registry.history(name),
    ]);
    const { _etag: _e, ...plain } = doc;
    return {
      name,
      doc: plain,
      policy: parsePolicy(doc.policy.source),
      ...(aliases.aliases.production === undefined ? {} : { production: aliases.aliases.production }),
      traffic,
      history: events.filter((e) => e.action !== "register"),
    };
  } finally {
    close();
    reg.close();
  }
}
