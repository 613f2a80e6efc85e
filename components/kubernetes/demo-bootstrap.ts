/**
 * The first-deploy demo: a one-off Job that ingests the dataset bundled in the training image, trains a
 * model on it and promotes that version to the alias inference serves, so the endpoint a fresh `pulumi up`
 * prints answers without any manual step. It runs as the training workload identity.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { requireKubernetesProvider } from "./provider";
import { jobSpec } from "./job-spec";
import { recommendedLabels } from "./labels";
import { type PlatformConnectionArgs, SCRATCH_MOUNT_PATH, pinnedImage, platformEnv, workloadPodSpec } from "./pod-spec";
import { DEFAULT_CPU_TRAINING_RESOURCES } from "./training-job";

/** The training image's command line (its ENTRYPOINT), for the script's three steps. */
export const TRAINING_CLI = "node --import tsx services/training/src/main.ts";

/** Inputs of {@link DemoBootstrap}. */
export interface DemoBootstrapArgs {
  /** Namespace (the workloads' namespace). */
  namespace: pulumi.Input<string>;
  /** Training image pinned by digest. */
  image: pulumi.Input<string>;
  /** ServiceAccount of the training identity (created by `TrainingJob`). */
  serviceAccountName: string;
  /** Cosmos DB and blob endpoints. */
  connection: PlatformConnectionArgs;
  /** Bundled CSV inside the image. Defaults to `services/training/datasets/iris.csv`. */
  datasetFile?: string;
  /** Dataset name. Defaults to `iris`. */
  dataset?: string;
  /** Label column. Defaults to `species`. */
  label?: string;
  /** Model name; the inference service must serve `<model>@<alias>`. Defaults to `dataset`. */
  model?: string;
  /** Alias the trained version is promoted to. Defaults to `production`. */
  alias?: string;
}

const SAFE = /^[A-Za-z0-9._/-]+$/;

/**
 * The shell script the Job runs: ingest (idempotent), train (prints the registered version as JSON), promote
 * that version. Pure; every value is checked against a safe character set, so nothing needs quoting.
 */
export function demoBootstrapScript(
  a: Required<Omit<DemoBootstrapArgs, "namespace" | "image" | "connection">>,
): string {
  for (const [field, value] of Object.entries(a))
    if (!SAFE.test(value)) throw new Error(`DemoBootstrap: ${field} (${JSON.stringify(value)}) has unsafe characters`);
  const versionOf = `node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).version))'`;
  return [
    "set -eu",
    `${TRAINING_CLI} ingest --file ${a.datasetFile} --dataset ${a.dataset} --label ${a.label} --rejected ${SCRATCH_MOUNT_PATH}/rejected.jsonl`,
    `version=$(${TRAINING_CLI} train --dataset ${a.dataset} --model ${a.model} --json | ${versionOf})`,
    `${TRAINING_CLI} promote ${a.model} "$version" --alias ${a.alias}`,
  ].join("\n");
}

/** The demo bootstrap Job (not awaited: inference turns Ready by itself once the version is promoted). */
export class DemoBootstrap extends pulumi.ComponentResource {
  /** Name of the Job. */
  readonly jobName: pulumi.Output<string>;

  constructor(name: string, args: DemoBootstrapArgs, opts?: pulumi.ComponentResourceOptions) {
    requireKubernetesProvider("DemoBootstrap", opts);
    const dataset = args.dataset ?? "iris";
    const script = demoBootstrapScript({
      serviceAccountName: args.serviceAccountName,
      datasetFile: args.datasetFile ?? "services/training/datasets/iris.csv",
      dataset,
      label: args.label ?? "species",
      model: args.model ?? dataset,
      alias: args.alias ?? "production",
    });
    const labels = recommendedLabels({ name: "training", instance: name, component: "demo-bootstrap" });
    const podSpec = workloadPodSpec({
      containerName: "bootstrap",
      image: pinnedImage("image", args.image),
      container: { command: ["/bin/sh", "-c"] },
      args: [script],
      env: platformEnv(args.connection),
      serviceAccountName: args.serviceAccountName,
      scratchSizeLimit: "1Gi",
      resources: DEFAULT_CPU_TRAINING_RESOURCES,
    });
    const spec = jobSpec({ backoffLimit: 3 }, { deadlineSeconds: 3600 }, labels, podSpec);
    super("ai-platform:kubernetes:DemoBootstrap", name, {}, opts);
    const job = new k8s.batch.v1.Job(
      `${name}-job`,
      { metadata: { namespace: args.namespace, labels, annotations: { "pulumi.com/skipAwait": "true" } }, spec },
      { parent: this },
    );
    this.jobName = job.metadata.name;
    this.registerOutputs({ jobName: this.jobName });
  }
}
