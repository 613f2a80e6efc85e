/**
 * Batch scoring: a Job running the training image's `score` command against a registered model, once,
 * optionally split across the pods of an Indexed Job (`completionMode: Indexed`). Each pod gets its
 * index in `JOB_COMPLETION_INDEX` and the shard count as arguments, and scores only its share of the
 * Cosmos DB feed ranges, so the union of the shards is the whole dataset.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { modelRefProblem } from "../contracts";
import { requireKubernetesProvider } from "./provider";
import { type IndexedCompletion, type JobLimits, completionIndexEnv, jobSpec } from "./job-spec";
import { recommendedLabels } from "./labels";
import { type GpuPlacement, type PlatformConnectionArgs, pinnedImage, platformEnv, workloadPodSpec } from "./pod-spec";
import type { ContainerResources } from "./resources";
import { workloadServiceAccount } from "./service-account";
import { DEFAULT_CPU_TRAINING_RESOURCES, DEFAULT_GPU_TRAINING_RESOURCES } from "./training-job";

/** Inputs of `BatchScoringJob`. */
export interface BatchScoringJobArgs extends JobLimits {
  /** Namespace to run in (a `PlatformNamespace`). */
  namespace: pulumi.Input<string>;
  /** Training image (it carries the `score` command) pinned by digest. */
  image: pulumi.Input<string>;
  /**
   * Client id of the identity to score as: a ServiceAccount `serviceAccountName` is created for it.
   * Unset: the pods use the existing ServiceAccount `serviceAccountName` (e.g. the `TrainingJob`'s `"training"`).
   */
  identityClientId?: pulumi.Input<string>;
  /** Entra tenant id for a created ServiceAccount. Defaults to the cluster's tenant. */
  tenantId?: pulumi.Input<string>;
  /** ServiceAccount name; required when `identityClientId` is unset (the account must already exist). Defaults to `"batch-scoring"`. */
  serviceAccountName?: string;
  /** Cosmos DB and blob endpoints. */
  connection: PlatformConnectionArgs;
  /** The model as `name@ref` (a version, an alias such as `production`, or `latest`). */
  model: string;
  /** Dataset to score. */
  dataset: string;
  /** Output dataset (`--out`); a file output is refused: the pod's filesystem is read-only and ephemeral. */
  out: string;
  /** More `score` arguments, appended as given (e.g. `["--batch-size", "512"]`). Defaults to none. */
  extraArgs?: string[];
  /** Split over an Indexed Job: `completions` shards, `parallelism` at once. Unset: one pod scores everything. */
  shards?: IndexedCompletion;
  /** GPU placement. Unset: CPU nodes (tree and linear ONNX ops run on CPU anyway). */
  gpu?: GpuPlacement;
  /** Requests/limits per pod. Defaults to the training job's defaults for CPU or GPU. */
  resources?: ContainerResources;
  /** Make `pulumi up` wait for the Job to finish. Defaults to `false`. */
  waitForCompletion?: boolean;
  /** `app.kubernetes.io/version` label. Defaults to none. */
  version?: string;
  /** UID/GID. Defaults to `1000`. */
  runAsUser?: number;
}

// The training CLI's dataset names: 1-63 letters, digits, "_" or "-". A file output (`.jsonl`) would land on
// the pod's read-only filesystem, so `out` must be a dataset here.
const DATASET = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

/**
 * The `score` command line. With `shards`, appends `--shard-index $(JOB_COMPLETION_INDEX) --shard-count <n>`;
 * Kubernetes expands `$(JOB_COMPLETION_INDEX)` from the container's environment.
 */
export function scoringArgs(
  a: Pick<BatchScoringJobArgs, "model" | "dataset" | "out" | "extraArgs" | "shards">,
): string[] {
  const problem = modelRefProblem(a.model);
  if (problem !== undefined) throw new Error(`model (${JSON.stringify(a.model)}) ${problem}`);
  if (!DATASET.test(a.dataset))
    throw new Error(`dataset (${JSON.stringify(a.dataset)}) is not a dataset name (1-63 letters, digits, "_" or "-")`);
  if (!DATASET.test(a.out))
    throw new Error(
      `out (${JSON.stringify(a.out)}) must be a dataset name (1-63 letters, digits, "_" or "-"): a pod has no place for a file output`,
    );
  const args = ["score", "--model", a.model, "--dataset", a.dataset, "--out", a.out, ...(a.extraArgs ?? [])];
  if (a.shards !== undefined)
    args.push("--shard-index", "$(JOB_COMPLETION_INDEX)", "--shard-count", String(a.shards.completions));
  return args;
}

/** A one-off (optionally sharded) batch-scoring Job. */
export class BatchScoringJob extends pulumi.ComponentResource {
  /** The Job's name (auto-named `<name>-<suffix>`: a new spec is a new Job, so a rerun never reuses an old one). */
  readonly jobName: pulumi.Output<string>;

  constructor(name: string, args: BatchScoringJobArgs, opts?: pulumi.ComponentResourceOptions) {
    requireKubernetesProvider("BatchScoringJob", opts);
    if (args.identityClientId === undefined && args.serviceAccountName === undefined) {
      throw new Error(
        'serviceAccountName is required when identityClientId is unset: name the existing workload identity ServiceAccount (e.g. "training")',
      );
    }
    const cliArgs = scoringArgs(args);
    const image = pinnedImage("image", args.image);
    const labels = recommendedLabels({
      name: "training",
      instance: name,
      component: "batch-scoring",
      version: args.version,
    });
    const saName = args.serviceAccountName ?? "batch-scoring";
    const env = platformEnv(args.connection);
    if (args.shards !== undefined) env.push(completionIndexEnv());
    const podSpec = workloadPodSpec({
      containerName: "batch-scoring",
      image,
      args: cliArgs,
      env,
      serviceAccountName: saName,
      runAsUser: args.runAsUser,
      gpu: args.gpu,
      resources:
        args.resources ?? (args.gpu === undefined ? DEFAULT_CPU_TRAINING_RESOURCES : DEFAULT_GPU_TRAINING_RESOURCES),
    });
    // Two hours: scoring checkpoints, so a run cut short by the deadline resumes from where it stopped.
    const spec = jobSpec(args, { deadlineSeconds: 2 * 3600 }, labels, podSpec, args.shards);
    super("ai-platform:kubernetes:BatchScoringJob", name, {}, opts);
    const dependsOn: pulumi.Resource[] = [];
    if (args.identityClientId !== undefined) {
      dependsOn.push(
        workloadServiceAccount(
          `${name}-sa`,
          {
            namespace: args.namespace,
            name: saName,
            clientId: args.identityClientId,
            tenantId: args.tenantId,
            labels,
          },
          { parent: this },
        ),
      );
    }
    const job = new k8s.batch.v1.Job(
      `${name}-job`,
      {
        metadata: {
          namespace: args.namespace,
          labels,
          annotations: { "pulumi.com/skipAwait": args.waitForCompletion === true ? "false" : "true" },
        },
        spec,
      },
      { parent: this, dependsOn },
    );
    this.jobName = job.metadata.name;
    this.registerOutputs({ jobName: this.jobName });
  }
}
