/**
 * Gated promotion and rollback. A version becomes `production` only if it beats the current production version
 * on the candidate's own held-out rows by the configured metric (both models run through onnxruntime), or with
 * `force`. The alias moves with an ETag condition on the alias map read before the evaluation, so of two
 * concurrent promotions exactly one wins and the other gets a {@link RegistryConflictError}.
 */
import {
  RegistryConflictError,
  RegistryNotFoundError,
  openRegistry,
  type ArtifactStore,
  type ModelVersion,
  type PlatformConnection,
} from "@ai-platform/registry";
import { classificationMetrics, regressionMetrics } from "../ml/metrics.js";
import { readHeldOut, runVersion, type HeldOut } from "./held-out.js";

export { RegistryConflictError };

/** Metrics where lower is better. */
const lowerIsBetter = new Set(["log_loss", "mse", "mae"]);

/** Options of {@link promoteModel}. */
export interface PromoteOptions {
  name: string;
  version: number;
  /** Default `production`; other aliases (e.g. `staging`) are not gated. */
  alias?: string;
  /** Skip the gate. */
  force?: boolean;
  /** Gate metric; default `accuracy` (classification) or `r2` (regression). */
  metric?: string;
  actor: string;
  reason?: string;
  /** Evaluate the gate and report what would happen without moving the alias (the console's preview). */
  dryRun?: boolean;
}

/** Outcome: promoted, or kept as a candidate with the comparison that decided it. */
export interface PromoteResult {
  promoted: boolean;
  alias: string;
  version: number;
  previous?: number;
  comparison?: { metric: string; candidate: number; current: number; rows: number };
  message: string;
  /** `true` from a dry run whose gate passed: the same call without `dryRun` would move the alias. */
  wouldPromote?: boolean;
}

async function score(
  artifacts: ArtifactStore,
  v: ModelVersion,
  data: HeldOut,
  metric: string,
  labelOrder: string[],
): Promise<number> {
  const out = await runVersion(artifacts, v, data.rows, labelOrder);
  const metrics: Record<string, number> =
    v.task === "classification"
      ? { ...classificationMetrics(data.y, out.probabilities ?? [], labelOrder.length) }
      : { ...regressionMetrics(data.y, out.prediction ?? []) };
  const value = metrics[metric];
  if (value === undefined) throw new Error(`--metric: "${metric}" is not one of ${Object.keys(metrics).join(", ")}`);
  return value;
}

/** Promotes `name@version` to `alias` (gated for production). */
export async function promoteModel(conn: PlatformConnection, o: PromoteOptions): Promise<PromoteResult> {
  const alias = o.alias ?? "production";
  const { registry, artifacts, close } = await openRegistry(conn);
  try {
    const candidate = await registry.getVersion(o.name, o.version);
    if (!candidate) throw new RegistryNotFoundError(`${o.name}@${o.version} is not registered`);
    const { aliases, etag } = await registry.getAliases(o.name);
    const previous = aliases[alias];
    if (previous === o.version)
      return {
        promoted: false,
        alias,
        version: o.version,
        previous,
        message: `${o.name}@${o.version} already is ${alias}`,
      };
    let comparison: PromoteResult["comparison"];
    if (alias === "production" && previous !== undefined && !o.force) {
      const current = await registry.getVersion(o.name, previous);
      if (!current) throw new RegistryNotFoundError(`${o.name}@${previous} (current ${alias}) is missing`);
      const metric = o.metric ?? (candidate.task === "classification" ? "accuracy" : "r2");
      const sameInputs =
        JSON.stringify(current.signature.inputs) === JSON.stringify(candidate.signature.inputs) &&
        current.task === candidate.task;
      const sameLabels =
        candidate.task !== "classification" ||
        [...(current.labels ?? [])].sort().join("\n") === [...(candidate.labels ?? [])].sort().join("\n");
      if (!sameInputs || !sameLabels)
        throw new Error(
          `${o.name}@${o.version} and @${previous} differ in inputs, task or labels, so the gate cannot compare them; use --force`,
        );
      const data = await readHeldOut(artifacts, candidate);
      const labelOrder = candidate.labels ?? [];
      comparison = {
        metric,
        candidate: await score(artifacts, candidate, data, metric, labelOrder),
        current: await score(artifacts, current, data, metric, labelOrder),
        rows: data.y.length,
      };
      const better = lowerIsBetter.has(metric)
        ? comparison.candidate < comparison.current
        : comparison.candidate > comparison.current;
      if (!better) {
        return {
          promoted: false,
          alias,
          version: o.version,
          previous,
          comparison,
          message: `${o.name}@${o.version} stays a candidate: ${metric} ${comparison.candidate.toFixed(4)} does not beat production @${previous} (${comparison.current.toFixed(4)}) on the same ${comparison.rows} held-out rows`,
        };
      }
    }
    if (o.dryRun)
      return {
        promoted: false,
        wouldPromote: true,
        alias,
        version: o.version,
        ...(previous === undefined ? {} : { previous }),
        ...(comparison ? { comparison } : {}),
        message: `${o.name}@${o.version} would become ${alias}${comparison ? `: ${comparison.metric} ${comparison.candidate.toFixed(4)} beats @${previous} (${comparison.current.toFixed(4)}) on ${comparison.rows} held-out rows` : o.force ? " (gate skipped)" : " (no current version to compare with)"}`,
      };
    try {
      await registry.setAlias(o.name, alias, o.version, {
        actor: o.actor,
        ifMatch: etag,
        reason:
          o.reason ??
          (o.force
            ? "forced"
            : comparison
              ? `${comparison.metric} ${comparison.candidate.toFixed(4)} > ${comparison.current.toFixed(4)}`
              : "first promotion"),
      });
    } catch (error) {
      if (error instanceof RegistryConflictError)
        throw new RegistryConflictError(
          `promote ${o.name}@${o.version} → ${alias}: another promotion changed ${o.name}'s aliases first; nothing was changed, re-run to re-evaluate`,
          { cause: error },
        );
      throw error;
    }
    return {
      promoted: true,
      alias,
      version: o.version,
      ...(previous === undefined ? {} : { previous }),
      ...(comparison ? { comparison } : {}),
      message: `${o.name}@${o.version} is now ${alias}${previous === undefined ? "" : ` (was @${previous})`}`,
    };
  } finally {
    close();
  }
}

/** Moves `production` back to the version it pointed at before the current one. */
export async function rollbackModel(
  conn: PlatformConnection,
  o: { name: string; actor: string; alias?: string },
): Promise<{ from: number; to: number }> {
  const alias = o.alias ?? "production";
  const { registry, close } = await openRegistry(conn);
  try {
    const { aliases, etag } = await registry.getAliases(o.name);
    const from = aliases[alias];
    if (from === undefined) throw new RegistryNotFoundError(`${o.name} has no ${alias} version to roll back`);
    const events = (await registry.history(o.name)).filter((e) => e.action === "set-alias" && e.alias === alias);
    // Replay the alias's history as a stack: promotions push, rollbacks pop; the target is the one below the top.
    const stack: number[] = [];
    for (const e of events) {
      if (e.reason?.startsWith("rollback")) stack.pop();
      else stack.push(e.version);
    }
    const to = stack.at(-1) === from ? stack.at(-2) : undefined;
    if (to === undefined) throw new Error(`${o.name}: ${alias} @${from} has no previous version to roll back to`);
    await registry.setAlias(o.name, alias, to, { actor: o.actor, ifMatch: etag, reason: `rollback from @${from}` });
    return { from, to };
  } finally {
    close();
  }
}
