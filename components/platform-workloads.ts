/**
 * The platform's Kubernetes side: a provider from the cluster's non-interactive Entra kubeconfig, the
 * restricted `ai-platform` namespace, GPU enablement, the inference service and the training job,
 * each workload running as its own federated managed identity.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { DemoBootstrap } from "./kubernetes/demo-bootstrap";
import { PlatformConsole, type PlatformConsoleArgs } from "./kubernetes/console";
import { GpuEnablement } from "./kubernetes/gpu-enablement";
import { INFERENCE_PORT, InferenceService } from "./kubernetes/inference-service";
import { selectorLabels } from "./kubernetes/labels";
import { PlatformNamespace } from "./kubernetes/namespace";
import { PipelineController, type PipelineControllerArgs } from "./kubernetes/pipeline-controller";
import type { PlatformConnectionArgs } from "./kubernetes/pod-spec";
import { PrometheusScraping } from "./kubernetes/prometheus-scraping";
import { TrainingJob } from "./kubernetes/training-job";

/** Namespace of the platform's workloads; the workload identities' federation subjects name it. */
export const WORKLOAD_NAMESPACE = "ai-platform";
/** Service accounts of the workloads (their federated credentials' subjects). */
export const WORKLOAD_SERVICE_ACCOUNTS = {
  inference: "inference",
  training: "training",
  console: "console",
  pipeline: "pipeline",
} as const;

/** The pipeline controller's settings: how often it reconciles and its pod's resources. */
export type PipelineSettings = Pick<PipelineControllerArgs, "intervalSeconds" | "resources">;

/** The console's settings: its sign-in proxy image and app, who may act, and how it is exposed. */
export type ConsoleSettings = Pick<
  PlatformConsoleArgs,
  | "proxyImage"
  | "signInClientId"
  | "operatorGroupId"
  | "viewerGroupId"
  | "url"
  | "serviceType"
  | "allowFromCidrs"
  | "allowFromNamespaces"
>;

/** Arguments of {@link PlatformWorkloads}. */
export interface PlatformWorkloadsArgs {
  /** The cluster's non-interactive user kubeconfig (`AksCluster.kubeconfig`). A secret. */
  kubeconfig: pulumi.Input<string>;
  /** Entra tenant of the workload identities. */
  tenantId: pulumi.Input<string>;
  /** Where the services find Cosmos DB, the model store and Application Insights. */
  connection: PlatformConnectionArgs;
  /** Digest-pinned images. */
  images: { inference: pulumi.Input<string>; training: pulumi.Input<string> };
  /** Client ids of the workload identities. */
  identityClientIds: { inference: pulumi.Input<string>; training: pulumi.Input<string> };
  /** Inference device; `cuda` schedules inference on the GPU pool. */
  inferenceDevice: "cpu" | "cuda";
  /** Models to serve, `name@ref`. */
  inferenceModels: string[];
  /** Inference replicas. */
  inferenceReplicas: { min: number; max: number };
  /** Labels of the GPU pool's nodes; set, the NVIDIA device plugin is deployed there. Defaults to no GPU pool. */
  gpuNodeSelector?: Readonly<Record<string, string>>;
  /** Training job cron schedule. Defaults to TrainingJob's daily schedule. */
  trainingSchedule?: string;
  /** Dataset and model the scheduled training job trains. Defaults to the first served model's name for both. */
  training?: { dataset: string; model: string };
  /**
   * Run the demo bootstrap once (ingest the bundled dataset, train, promote the first served model's alias), so a
   * fresh platform answers. Defaults to `false`.
   */
  demoBootstrap?: boolean;
  /** The platform console, with the client id of its workload identity. Defaults to none. */
  console?: ConsoleSettings & { identityClientId: pulumi.Input<string>; image: pulumi.Input<string> };
  /**
   * The pipeline controller (retrain on drift, new data or a schedule; gate; canary; promote or roll back), with
   * the client id of its workload identity. Defaults to none: nothing acts on the models' pipeline policies.
   */
  pipeline?: PipelineSettings & { identityClientId: pulumi.Input<string>; image: pulumi.Input<string> };
}

/** The workloads on the platform's cluster. */
export class PlatformWorkloads extends pulumi.ComponentResource {
  /** In-cluster URL of the inference API. */
  readonly inferenceUrl: pulumi.Output<string>;
  /** Namespace of the workloads. */
  readonly namespace: pulumi.Output<string>;

  constructor(name: string, args: PlatformWorkloadsArgs, opts?: pulumi.ComponentResourceOptions) {
    const firstModel = args.inferenceModels[0]?.split("@")[0];
    if (firstModel === undefined)
      throw new Error(`PlatformWorkloads ${name}: inferenceModels must list at least one "name@ref"`);
    super("ai-platform:index:PlatformWorkloads", name, {}, opts);
    const provider = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig: pulumi.secret(args.kubeconfig), enableServerSideApply: true },
      { parent: this },
    );
    const k8sOpts = { parent: this, provider };

    const ns = new PlatformNamespace(`${name}-ns`, { namespaceName: WORKLOAD_NAMESPACE }, k8sOpts);
    new PrometheusScraping(`${name}-scraping`, { namespaces: [WORKLOAD_NAMESPACE] }, k8sOpts);
    const gpuNodeSelector = args.gpuNodeSelector === undefined ? undefined : { ...args.gpuNodeSelector };
    const gpu =
      gpuNodeSelector === undefined
        ? undefined
        : new GpuEnablement(`${name}-gpu`, { driver: "Install", nodeSelector: gpuNodeSelector }, k8sOpts);
    const afterGpu = { ...k8sOpts, dependsOn: gpu === undefined ? [ns] : [ns, gpu] };

    const inference = new InferenceService(
      `${name}-inference`,
      {
        namespace: ns.namespaceName,
        image: args.images.inference,
        identityClientId: args.identityClientIds.inference,
        tenantId: args.tenantId,
        connection: args.connection,
        models: args.inferenceModels,
        minReplicas: args.inferenceReplicas.min,
        maxReplicas: args.inferenceReplicas.max,
        serviceAccountName: WORKLOAD_SERVICE_ACCOUNTS.inference,
        ...(args.inferenceDevice === "cuda"
          ? { gpu: { count: 1, ...(gpuNodeSelector === undefined ? {} : { nodeSelector: gpuNodeSelector }) } }
          : {}),
      },
      afterGpu,
    );

    const training = args.training ?? { dataset: firstModel, model: firstModel };
    const trainingJob = new TrainingJob(
      `${name}-training`,
      {
        namespace: ns.namespaceName,
        image: args.images.training,
        identityClientId: args.identityClientIds.training,
        tenantId: args.tenantId,
        connection: args.connection,
        args: ["train", "--dataset", training.dataset, "--model", training.model],
        serviceAccountName: WORKLOAD_SERVICE_ACCOUNTS.training,
        // Training needs an ingested dataset: the schedule runs it, a deployment does not wait on it.
        runOnDeploy: false,
        schedule: args.trainingSchedule,
      },
      afterGpu,
    );

    if (args.demoBootstrap === true) {
      const [served = firstModel, alias = "production"] = (args.inferenceModels[0] ?? "").split("@");
      // "*@<alias>" serves every model with the alias: the demo then trains the bundled dataset's own model.
      const model = /^[a-z0-9][a-z0-9-]*$/.test(served) ? served : "iris";
      new DemoBootstrap(
        `${name}-bootstrap`,
        {
          namespace: ns.namespaceName,
          image: args.images.training,
          serviceAccountName: WORKLOAD_SERVICE_ACCOUNTS.training,
          connection: args.connection,
          model,
          // A version number or `latest` is not an alias to promote to; the demo then promotes `production`.
          alias: /^\d+$|^latest$/.test(alias) ? "production" : alias,
        },
        { ...k8sOpts, dependsOn: [trainingJob] },
      );
    }

    if (args.console !== undefined) {
      new PlatformConsole(
        `${name}-console`,
        {
          ...args.console,
          namespace: ns.namespaceName,
          tenantId: args.tenantId,
          connection: args.connection,
          inferenceUrl: inference.url,
          inferencePodLabels: selectorLabels({ name: "inference", instance: `${name}-inference` }),
          inferencePort: INFERENCE_PORT,
          serviceAccountName: WORKLOAD_SERVICE_ACCOUNTS.console,
        },
        { ...k8sOpts, dependsOn: [ns] },
      );
    }

    if (args.pipeline !== undefined) {
      new PipelineController(
        `${name}-pipeline`,
        {
          ...args.pipeline,
          namespace: ns.namespaceName,
          tenantId: args.tenantId,
          connection: args.connection,
          inferencePodLabels: selectorLabels({ name: "inference", instance: `${name}-inference` }),
          inferencePort: INFERENCE_PORT,
          serviceAccountName: WORKLOAD_SERVICE_ACCOUNTS.pipeline,
        },
        { ...k8sOpts, dependsOn: [ns] },
      );
    }

    this.inferenceUrl = inference.url;
    this.namespace = ns.namespaceName;
    this.registerOutputs({ inferenceUrl: this.inferenceUrl, namespace: this.namespace });
  }
}
