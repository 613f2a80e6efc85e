/**
 * Scheduled retraining: a CronJob running the training image's CLI (`train …`, or any `ingest|train|score`
 * command line) with workload identity, the restricted security context and, optionally, a GPU (spot
 * allowed); plus, on request, a one-off Job from the same template at deploy time.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { DEFAULT_TRAINING_SCHEDULE, assertSchedule } from "../contracts";
import { requireKubernetesProvider } from "./provider";
import { type IndexedCompletion, type JobLimits, assertCommandArgs, completionIndexEnv, jobSpec } from "./job-spec";
import { assertDnsLabel, recommendedLabels } from "./labels";
import { type GpuPlacement, type PlatformConnectionArgs, pinnedImage, platformEnv, workloadPodSpec } from "./pod-spec";
import type { ContainerResources } from "./resources";
import { workloadIdentitySubject, workloadServiceAccount } from "./service-account";

/** Requests/limits of a CPU training pod. */
export const DEFAULT_CPU_TRAINING_RESOURCES: ContainerResources = {
  requests: { cpu: "1", memory: "2Gi" },
  limits: { cpu: "2", memory: "4Gi" },
};
/** Requests/limits of a GPU training pod. */
export const DEFAULT_GPU_TRAINING_RESOURCES: ContainerResources = {
  requests: { cpu: "2", memory: "8Gi" },
  limits: { cpu: "4", memory: "16Gi" },
};

/** Inputs of `TrainingJob`. */
export interface TrainingJobArgs extends JobLimits {
  /** Namespace to run in (a `PlatformNamespace`). */
  namespace: pulumi.Input<string>;
  /** Training image pinned by digest; a plain string is checked now, an Output on resolve. */
  image: pulumi.Input<string>;
  /** Client id of the training managed identity (federated to `serviceAccountSubject`). */
  identityClientId: pulumi.Input<string>;
  /** Entra tenant id for the ServiceAccount annotation. Defaults to the cluster's tenant. */
  tenantId?: pulumi.Input<string>;
  /** Cosmos DB and blob endpoints. */
  connection: PlatformConnectionArgs;
  /** CLI arguments, e.g. `["train", "--dataset", "iris", "--model", "iris"]`. */
  args: string[];
  /** Cron schedule. Defaults to `"0 3 * * *"` (daily, 03:00 in `timeZone`). */
  schedule?: string;
  /** IANA time zone of `schedule`. Defaults to `"Etc/UTC"` so the schedule does not depend on the controller's zone. */
  timeZone?: string;
  /** Suspend the schedule (no new runs). Defaults to `false`. */
  suspend?: boolean;
  /**
   * Also run the job once at deploy time, as a Job auto-named `<name>-initial-<suffix>`. Defaults to `false`.
   * Note: a Job's pod template is immutable, so a new image (or args) replaces it, which runs training again.
   */
  runOnDeploy?: boolean;
  /** Make `pulumi up` wait for the run-on-deploy Job to succeed. Defaults to `false`: training may outlast a deployment. */
  waitForRunOnDeploy?: boolean;
  /**
   * Split the hyperparameter search over the pods of an Indexed Job: `completions` trial shards, `parallelism`
   * at once. Appends `--trial-shard-count <completions> --trial-shard-index $(JOB_COMPLETION_INDEX)`; `args`
   * must be `train … --search <kind> --dataset-version <v>` (every pod must see the same data). Note: the
   * training CLI identifies a search by its inputs, so a scheduled rerun with unchanged args does no new work:
   * pair it with `runOnDeploy` (and `suspend`), or move `--dataset-version` to retrain. Unset: one pod.
   */
  trialShards?: IndexedCompletion;
  /** GPU placement; `spot: true` lets retraining use a spot GPU pool. Unset: CPU nodes. */
  gpu?: GpuPlacement;
  /** Requests/limits. Defaults to `DEFAULT_CPU_TRAINING_RESOURCES` or, with `gpu`, `DEFAULT_GPU_TRAINING_RESOURCES`. */
  resources?: ContainerResources;
  /** Size limit of the `/tmp` scratch volume. Defaults to `"4Gi"` (dataset snapshots, ONNX before upload). */
  scratchSizeLimit?: string;
  /** ServiceAccount name. Defaults to `"training"`; the federated credential's subject names it. */
  serviceAccountName?: string;
  /** `app.kubernetes.io/version` label. Defaults to none. */
  version?: string;
  /** UID/GID. Defaults to `1000`. */
  runAsUser?: number;
}

/** Throws unless `schedule` is a five-field cron expression or a macro such as `@daily` (the contracts' rule). */
export { assertSchedule };

/**
 * The arguments that make `train` one shard of a search: validates that `args` is a `train` command with
 * `--search` and `--dataset-version` (the training CLI refuses a sharded search without them).
 */
export function trialShardArgs(args: readonly string[], completions: number): string[] {
  if (args[0] !== "train") throw new Error(`trialShards needs a train command in args, got ${JSON.stringify(args[0])}`);
  for (const flag of ["--search", "--dataset-version"]) {
    if (!args.some((a) => a === flag || a.startsWith(`${flag}=`)))
      throw new Error(
        `trialShards needs ${flag} in args: every pod must run the same search on the same dataset version`,
      );
  }
  return ["--trial-shard-count", String(completions), "--trial-shard-index", "$(JOB_COMPLETION_INDEX)"];
}

/** Scheduled retraining as a CronJob, plus an optional run at deploy time. */
export class TrainingJob extends pulumi.ComponentResource {
  /** CronJob name. */
  readonly cronJobName: pulumi.Output<string>;
  /** Name of the run-on-deploy Job, when `runOnDeploy`. */
  readonly initialJobName?: pulumi.Output<string>;
  /** Subject the training identity's federated credential must trust. */
  readonly serviceAccountSubject: pulumi.Output<string>;

  constructor(name: string, args: TrainingJobArgs, opts?: pulumi.ComponentResourceOptions) {
    requireKubernetesProvider("TrainingJob", opts);
    assertDnsLabel("name", name, 52); // it names the CronJob, whose Job names add 11 characters
    const cliArgs = assertCommandArgs("args", args.args);
    const env = platformEnv(args.connection);
    if (args.trialShards !== undefined) {
      cliArgs.push(...trialShardArgs(cliArgs, args.trialShards.completions));
      env.push(completionIndexEnv());
    }
    const schedule = assertSchedule(args.schedule ?? DEFAULT_TRAINING_SCHEDULE);
    const image = pinnedImage("image", args.image);
    const labels = recommendedLabels({
      name: "training",
      instance: name,
      component: "retraining",
      version: args.version,
    });
    const saName = args.serviceAccountName ?? "training";
    const podSpec = workloadPodSpec({
      containerName: "training",
      image,
      args: cliArgs,
      env,
      serviceAccountName: saName,
      runAsUser: args.runAsUser,
      gpu: args.gpu,
      scratchSizeLimit: args.scratchSizeLimit ?? "4Gi",
      resources:
        args.resources ?? (args.gpu === undefined ? DEFAULT_CPU_TRAINING_RESOURCES : DEFAULT_GPU_TRAINING_RESOURCES),
    });
    // Four hours: a full retrain with hyperparameter search on the default datasets takes minutes; this bounds a hung run.
    const spec = jobSpec(args, { deadlineSeconds: 4 * 3600, ttlSeconds: 86_400 }, labels, podSpec, args.trialShards);
    super("ai-platform:kubernetes:TrainingJob", name, {}, opts);
    const parent = { parent: this };
    const sa = workloadServiceAccount(
      `${name}-sa`,
      { namespace: args.namespace, name: saName, clientId: args.identityClientId, tenantId: args.tenantId, labels },
      parent,
    );

    const cron = new k8s.batch.v1.CronJob(
      `${name}-cronjob`,
      {
        metadata: { name, namespace: args.namespace, labels },
        spec: {
          schedule,
          timeZone: args.timeZone ?? "Etc/UTC",
          suspend: args.suspend ?? false,
          // A retrain still running when the next is due is not doubled up (they would race on the registry alias).
          concurrencyPolicy: "Forbid",
          startingDeadlineSeconds: 3600,
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 3,
          jobTemplate: { metadata: { labels }, spec },
        },
      },
      { parent: this, dependsOn: [sa] },
    );
    this.cronJobName = cron.metadata.name;

    if (args.runOnDeploy === true) {
      const job = new k8s.batch.v1.Job(
        `${name}-initial`,
        {
          metadata: {
            namespace: args.namespace,
            labels,
            annotations: { "pulumi.com/skipAwait": args.waitForRunOnDeploy === true ? "false" : "true" },
          },
          // No TTL: Pulumi owns this Job, and one its TTL deleted would be recreated (retraining) on `pulumi up --refresh`.
          spec: { ...spec, ttlSecondsAfterFinished: undefined },
        },
        { parent: this, dependsOn: [sa] },
      );
      this.initialJobName = job.metadata.name;
    }
    this.serviceAccountSubject = pulumi.output(args.namespace).apply((ns) => workloadIdentitySubject(ns, saName));
    this.registerOutputs({
      cronJobName: this.cronJobName,
      initialJobName: this.initialJobName,
      serviceAccountSubject: this.serviceAccountSubject,
    });
  }
}
