/**
 * The three retraining triggers, as pure functions of what the controller observed: a due schedule, a new dataset
 * version with enough new rows, and PSI above the threshold on some feature for the whole window.
 */
import { Cron } from "croner";
import type { PipelinePolicy } from "./policy.js";
import type { Trigger } from "./state.js";

/** The schedule's verdict and the due time to count the next one from. */
export function scheduleTrigger(
  policy: PipelinePolicy,
  scheduleFrom: number,
  now: number,
): { trigger?: Trigger; scheduleFrom: number } {
  const expr = policy.triggers.schedule;
  if (expr === undefined) return { scheduleFrom };
  const due = new Cron(expr, { paused: true, timezone: "Etc/UTC" }).nextRun(new Date(scheduleFrom));
  if (!due || due.getTime() > now) return { scheduleFrom };
  return {
    trigger: { kind: "schedule", figures: { schedule: expr, dueAt: due.toISOString() } },
    scheduleFrom: now,
  };
}

/** The newest dataset version and what production (or the last run) trained on. */
export interface DataObservation {
  latest?: { version: string; rowCount: number };
  trained?: { version: string; rowCount: number };
  /** The dataset version the last run (promoted or not) trained on. */
  lastRunVersion?: string;
}

/** Fires for a dataset version newer than the last trained one with ≥ minNewRows new rows or ≥ minGrowthPercent. */
export function newDataTrigger(policy: PipelinePolicy, data: DataObservation): Trigger | undefined {
  const rule = policy.triggers.newData;
  const { latest, trained } = data;
  if (!rule || !latest || !trained) return undefined;
  if (latest.version === trained.version || latest.version === data.lastRunVersion) return undefined;
  const newRows = latest.rowCount - trained.rowCount;
  const growthPercent = trained.rowCount > 0 ? (100 * newRows) / trained.rowCount : 100;
  const enough =
    (rule.minNewRows !== undefined && newRows >= rule.minNewRows) ||
    (rule.minGrowthPercent !== undefined && growthPercent >= rule.minGrowthPercent);
  if (!enough) return undefined;
  return {
    kind: "new-data",
    figures: {
      datasetVersion: latest.version,
      trainedOn: trained.version,
      newRows,
      growthPercent: Number(growthPercent.toFixed(2)),
    },
  };
}

/** The drift verdict and the start of the current stretch above the threshold (undefined once it breaks). */
export function driftTrigger(
  policy: PipelinePolicy,
  production: { psi: Record<string, number>; rows: number } | undefined,
  driftSince: number | undefined,
  now: number,
): { trigger?: Trigger; driftSince?: number } {
  const rule = policy.triggers.drift;
  if (!rule || !production || production.rows < rule.minRows) return {};
  const [feature, psi] = Object.entries(production.psi).reduce<[string, number]>(
    (max, e) => (e[1] > max[1] ? e : max),
    ["", 0],
  );
  if (psi <= rule.psiThreshold) return {};
  const since = driftSince ?? now;
  if (now - since < rule.window) return { driftSince: since };
  return {
    trigger: {
      kind: "drift",
      figures: {
        feature,
        psi: Number(psi.toFixed(4)),
        psiThreshold: rule.psiThreshold,
        aboveForSeconds: Math.round((now - since) / 1000),
        rows: production.rows,
      },
    },
  };
}
