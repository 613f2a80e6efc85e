/**
 * What the controller persists per model: one `type: "pipeline"` document (id `pipeline`) in the registry's `models`
 * container, next to the model's versions, aliases and audit trail. It holds the policy text, the manual pause, the
 * lease, the phase of the current run and the trigger bookkeeping. Every write is conditional on the ETag read
 * before it, so two controllers (or a controller and `pipeline pause`) never both win: the loser re-reads.
 */
import type { Container } from "@azure/cosmos";
import { RegistryConflictError } from "@ai-platform/registry";

/** What started a run, with the figures that justified it. */
export interface Trigger {
  kind: "schedule" | "new-data" | "drift";
  figures: Record<string, number | string | boolean>;
}

/** Cumulative serving counters of the candidate when a canary step began (the step is judged on the difference). */
export interface StepBaseline {
  requests: number;
  failures: number;
  loadFailures: number;
  agree: number;
  disagree: number;
  shadowErrors: number;
  latencyBuckets: [string, number][];
}

interface RunBase {
  runId: string;
  trigger: Trigger;
  /** When this phase began (controller clock, ms). */
  since: number;
}

/** Where the model's current run stands. Each phase is a written intent: a restarted controller carries it on. */
export type Phase =
  | { kind: "idle" }
  | (RunBase & { kind: "training" })
  | (RunBase & { kind: "gating"; candidate: number; datasetVersion: string })
  | (RunBase & { kind: "canary"; candidate: number; production: number; step: number; baseline: StepBaseline })
  | (RunBase & { kind: "promoting"; candidate: number; production: number })
  | (RunBase & {
      kind: "rolling-back";
      candidate: number;
      production: number;
      reason: string;
      figures: Record<string, number | string | boolean>;
    });

/** A finished run, newest last (the audit trail has every decision; this is the summary `pipeline status` shows). */
export interface RunSummary {
  runId: string;
  trigger: Trigger["kind"];
  candidate?: number;
  outcome: "promoted" | "gate-failed" | "rolled-back" | "training-failed" | "aborted";
  detail: string;
  at: number;
}

/** The persisted state of one model's pipeline. */
export interface PipelineDoc {
  id: "pipeline";
  type: "pipeline";
  name: string;
  /** The policy as the user wrote it (validated again on every read). */
  policy: { source: string; setAt: string; setBy: string };
  paused: boolean;
  /** The controller that may act on this model until `expiresAt` (controller clock, ms). */
  lease?: { holder: string; expiresAt: number };
  phase: Phase;
  /** No run starts before this (after a failed run). */
  cooldownUntil?: number;
  /** When PSI first went above the threshold in the current unbroken stretch. */
  driftSince?: number;
  /** The schedule's last due time handled (ms); the next one is computed from it. */
  scheduleFrom?: number;
  /** Dataset version the last run trained on: new-data triggers only for a later one. */
  lastDatasetVersion?: string;
  /** True while a phase outlasts its expected time by `guardrails.stuckAfter`. */
  stuck?: boolean;
  runs: RunSummary[];
  _etag?: string;
}

const systemFields = ["_rid", "_self", "_attachments", "_ts"] as const;

function statusCode(error: unknown): number | undefined {
  return typeof error === "object" && error !== null && "code" in error && typeof error.code === "number"
    ? error.code
    : undefined;
}

/** Reads and conditionally writes pipeline documents. */
export class PipelineStore {
  constructor(private readonly container: Container) {}

  /** The model's pipeline document (with `_etag`), or undefined when no policy was set. */
  async get(name: string): Promise<PipelineDoc | undefined> {
    const { resource } = await this.container.item("pipeline", name).read<PipelineDoc>();
    if (!resource) return undefined;
    const doc = { ...resource } as Record<string, unknown>;
    for (const f of systemFields) delete doc[f];
    return doc as unknown as PipelineDoc;
  }

  /** Models that have a pipeline policy. */
  async names(): Promise<string[]> {
    const { resources } = await this.container.items
      .query<{ name: string }>("SELECT c.name FROM c WHERE c.type = 'pipeline'")
      .fetchAll();
    return resources.map((r) => r.name).sort();
  }

  /**
   * Writes `doc` if the stored one still has `doc._etag` (or, without one, if none exists yet); returns the stored
   * document with its new ETag. A lost race throws {@link RegistryConflictError} and changes nothing.
   */
  async put(doc: PipelineDoc): Promise<PipelineDoc> {
    const { _etag: etag, ...body } = doc;
    try {
      const { resource } = etag
        ? await this.container
            .item("pipeline", doc.name)
            .replace(body, { accessCondition: { type: "IfMatch", condition: etag } })
        : await this.container.items.create(body);
      return { ...body, ...(resource?._etag ? { _etag: resource._etag } : {}) } as PipelineDoc;
    } catch (error) {
      const code = statusCode(error);
      if (code === 412 || code === 409)
        throw new RegistryConflictError(`the pipeline of ${doc.name} changed concurrently; re-read and decide again`);
      throw error;
    }
  }

  /** Re-reads and applies `change` until it is written without a race (for short user edits: set, pause, resume). */
  async update(name: string, change: (doc: PipelineDoc | undefined) => PipelineDoc): Promise<PipelineDoc> {
    for (let attempt = 0; ; attempt++) {
      const next = change(await this.get(name));
      try {
        return await this.put(next);
      } catch (error) {
        if (!(error instanceof RegistryConflictError) || attempt >= 20) throw error;
      }
    }
  }
}
