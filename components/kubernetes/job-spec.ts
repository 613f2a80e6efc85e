/**
 * Pure builder of the batch `JobSpec` shared by the training CronJob, its run-on-deploy Job and the
 * batch-scoring Job: retry, deadline and clean-up limits, validated, around a `workloadPodSpec`.
 */
import type * as k8s from "@pulumi/kubernetes";
import { WORKLOAD_IDENTITY_POD_LABELS } from "./pod-spec";

/** How long a job may run, retry and linger. */
export interface JobLimits {
  /** Pod retries before the Job fails. Defaults to `2`: transient Cosmos/Storage errors, not endless loops. */
  backoffLimit?: number;
  /** Wall-clock limit of the whole Job in seconds; running pods are killed after it. Defaults per workload. */
  activeDeadlineSeconds?: number;
  /**
   * Seconds a finished Job (and its pods' logs) is kept before garbage collection. Defaults to `86400`
   * (one day) for the Jobs a CronJob spawns, and to none for Jobs Pulumi manages itself (run-on-deploy,
   * batch scoring): a Job its TTL deleted would be created again, and rerun, by the next `pulumi up --refresh`.
   */
  ttlSecondsAfterFinished?: number;
}

/** Splitting a Job over pods by completion index (`completionMode: Indexed`). */
export interface IndexedCompletion {
  /** Number of shards: the Job completes once each index `0..completions-1` succeeded once. */
  completions: number;
  /** Pods running at once. Defaults to `completions`. */
  parallelism?: number;
}

function wholeNumber(field: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new Error(`${field} (${value}) must be a whole number ≥ ${min}`);
  return value;
}

/**
 * The JobSpec: `restartPolicy: Never` (a failed pod is replaced and counted against `backoffLimit`,
 * so logs of failures survive), the pod labelled for workload identity, and optional indexed completion.
 */
export function jobSpec(
  limits: JobLimits,
  defaults: { deadlineSeconds: number; ttlSeconds?: number },
  labels: Record<string, string>,
  podSpec: k8s.types.input.core.v1.PodSpec,
  indexed?: IndexedCompletion,
): k8s.types.input.batch.v1.JobSpec {
  const ttl = limits.ttlSecondsAfterFinished ?? defaults.ttlSeconds;
  const spec: k8s.types.input.batch.v1.JobSpec = {
    backoffLimit: wholeNumber("backoffLimit", limits.backoffLimit ?? 2, 0),
    activeDeadlineSeconds: wholeNumber(
      "activeDeadlineSeconds",
      limits.activeDeadlineSeconds ?? defaults.deadlineSeconds,
      1,
    ),
    ...(ttl !== undefined ? { ttlSecondsAfterFinished: wholeNumber("ttlSecondsAfterFinished", ttl, 0) } : {}),
    template: {
      metadata: { labels: { ...labels, ...WORKLOAD_IDENTITY_POD_LABELS } },
      spec: { ...podSpec, restartPolicy: "Never" },
    },
  };
  if (indexed !== undefined) {
    const completions = wholeNumber("indexed.completions", indexed.completions, 1);
    const parallelism = wholeNumber("indexed.parallelism", indexed.parallelism ?? completions, 1);
    if (parallelism > completions)
      throw new Error(`indexed.parallelism (${parallelism}) exceeds indexed.completions (${completions})`);
    Object.assign(spec, { completionMode: "Indexed", completions, parallelism });
  }
  return spec;
}

/** Throws naming `field` unless `args` is a non-empty command line starting with a command (not a flag). */
export function assertCommandArgs(field: string, args: readonly string[]): string[] {
  const [command] = args;
  if (command === undefined || command.startsWith("-") || command.trim() === "") {
    throw new Error(
      `${field} must start with the training CLI command (ingest, train, score …), got ${JSON.stringify(args)}`,
    );
  }
  return [...args];
}

/**
 * `JOB_COMPLETION_INDEX` from the pod's completion-index annotation, declared as the Job controller would add
 * it, so `$(JOB_COMPLETION_INDEX)` in container args is expanded by the kubelet.
 */
export function completionIndexEnv(): k8s.types.input.core.v1.EnvVar {
  return {
    name: "JOB_COMPLETION_INDEX",
    valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } },
  };
}
