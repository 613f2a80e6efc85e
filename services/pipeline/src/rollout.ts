/**
 * Judging one canary step, purely: the candidate's counters now minus those when the step began give the step's
 * requests, error rate, p99 latency and shadow disagreement; the policy's thresholds decide.
 */
import type { PipelinePolicy } from "./policy.js";
import { bucketBound, type VersionSignals } from "./signals.js";
import type { StepBaseline } from "./state.js";

/** The verdict on a step: abort, wait longer, or done. */
export type StepVerdict =
  | { kind: "breach"; reason: string; figures: Record<string, number> }
  | { kind: "hold"; figures: Record<string, number> }
  | { kind: "pass"; figures: Record<string, number> };

/** The baseline a step starts from: the candidate's cumulative counters now. */
export function baselineOf(s: VersionSignals | undefined): StepBaseline {
  return {
    requests: (s?.success ?? 0) + (s?.failure ?? 0),
    failures: s?.failure ?? 0,
    loadFailures: s?.loadFailures ?? 0,
    agree: s?.shadow.agree ?? 0,
    disagree: s?.shadow.disagree ?? 0,
    shadowErrors: s?.shadow.error ?? 0,
    latencyBuckets: s?.latencyBuckets ?? [],
  };
}

/** Growth of a cumulative counter; a counter below its baseline was reset (a replica restarted): all of it is new. */
const growth = (now: number, before: number): number => (now >= before ? now - before : now);

/**
 * The `q` quantile of a cumulative histogram's growth, as the upper bound of the bucket it falls in (in the
 * histogram's unit); undefined without observations.
 */
export function quantileOf(
  now: readonly [string, number][],
  before: readonly [string, number][],
  q: number,
): number | undefined {
  const base = new Map(before);
  const counts = now.map(([le, c]) => [le, growth(c, base.get(le) ?? 0)] as const);
  const total = counts.at(-1)?.[1] ?? 0;
  if (total <= 0) return undefined;
  const le = counts.find(([, c]) => c >= q * total)?.[0];
  return le === undefined ? undefined : bucketBound(le);
}

/** Judges the current step from the candidate's signals, the step's baseline and how long it has run. */
export function judgeStep(
  policy: PipelinePolicy,
  step: number,
  baseline: StepBaseline,
  now: VersionSignals | undefined,
  elapsedMs: number,
): StepVerdict {
  const b = baselineOf(now);
  const requests = growth(b.requests, baseline.requests);
  const failures = growth(b.failures, baseline.failures);
  const compared =
    growth(b.agree, baseline.agree) +
    growth(b.disagree, baseline.disagree) +
    growth(b.shadowErrors, baseline.shadowErrors);
  const disagree = growth(b.disagree, baseline.disagree) + growth(b.shadowErrors, baseline.shadowErrors);
  const p99Us = quantileOf(b.latencyBuckets, baseline.latencyBuckets, 0.99);
  const figures: Record<string, number> = {
    step,
    weight: policy.rollout.steps[step]?.weight ?? 0,
    elapsedSeconds: Math.round(elapsedMs / 1000),
    requests,
    failures,
    errorRate: requests > 0 ? failures / requests : 0,
    ...(p99Us === undefined ? {} : { p99LatencyMs: p99Us / 1000 }),
    shadowCompared: compared,
    ...(compared > 0 ? { disagreement: disagree / compared } : {}),
    loadFailures: growth(b.loadFailures, baseline.loadFailures),
  };
  const { abort, minRequests } = policy.rollout;
  if (figures.loadFailures! > 0)
    return { kind: "breach", reason: "the candidate failed to load in the inference service", figures };
  if (failures > 0 && figures.errorRate! > abort.maxErrorRate)
    return {
      kind: "breach",
      reason: `error rate ${figures.errorRate!.toFixed(4)} > ${abort.maxErrorRate} (${failures} of ${requests} requests)`,
      figures,
    };
  const enough = requests >= Math.max(1, minRequests);
  if (enough && p99Us !== undefined && p99Us / 1000 > abort.maxP99LatencyMs)
    return { kind: "breach", reason: `p99 latency ${p99Us / 1000} ms > ${abort.maxP99LatencyMs} ms`, figures };
  if (abort.maxDisagreement !== undefined && compared >= Math.max(1, minRequests)) {
    const rate = disagree / compared;
    if (rate > abort.maxDisagreement)
      return {
        kind: "breach",
        reason: `shadow disagreement ${rate.toFixed(4)} > ${abort.maxDisagreement} (${disagree} of ${compared})`,
        figures,
      };
  }
  const duration = policy.rollout.steps[step]?.duration ?? 0;
  return elapsedMs >= duration && requests >= minRequests ? { kind: "pass", figures } : { kind: "hold", figures };
}
