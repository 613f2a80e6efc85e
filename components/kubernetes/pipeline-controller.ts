/**
 * The pipeline controller on AKS: one pod that runs every model's pipeline policy (retrain on drift, new data or a
 * schedule; gate; canary; promote or roll back) against the registry, reading the inference replicas' metrics
 * through a headless Service. It trains in process, so it needs exactly the training identity's data access and no
 * Kubernetes API access at all (no token mounted, no Role). Under the `restricted` Pod Security profile, with
 * egress to the inference pods only (besides the namespace's DNS and HTTPS) and its `/metrics` open to the
 * metrics add-on, so an Azure Monitor alert can fire on `ai_platform_pipeline_rollout_stuck`.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { pipelineEnv } from "../contracts";
import { assertDnsLabel, recommendedLabels, selectorLabels } from "./labels";
import { egressToPodsSpec, ingressAllowSpec } from "./namespace";
import {
  type PlatformConnectionArgs,
  WORKLOAD_IDENTITY_POD_LABELS,
  pinnedImage,
  platformEnv,
  workloadPodSpec,
} from "./pod-spec";
import { requireKubernetesProvider } from "./provider";
import type { ContainerResources } from "./resources";
import { workloadIdentitySubject, workloadServiceAccount } from "./service-account";

/** The port of the controller's own `/metrics` and `/healthz`. */
export const PIPELINE_METRICS_PORT = 9464;

/** Requests/limits: the controller trains in process (CPU), like a CPU training pod. */
export const DEFAULT_PIPELINE_RESOURCES: ContainerResources = {
  requests: { cpu: "500m", memory: "1Gi" },
  limits: { cpu: "2", memory: "4Gi" },
};

/** Inputs of `PipelineController`. */
export interface PipelineControllerArgs {
  /** Namespace to run in (a `PlatformNamespace`); the inference pods run there too. */
  namespace: pulumi.Input<string>;
  /** The pipeline image (`services/pipeline/Dockerfile`), pinned by digest. */
  image: pulumi.Input<string>;
  /** Client id of the controller's managed identity, federated to its ServiceAccount. */
  identityClientId: pulumi.Input<string>;
  /** Entra tenant id for the ServiceAccount annotation. Defaults to the cluster's tenant. */
  tenantId?: pulumi.Input<string>;
  /** Cosmos DB and blob endpoints of the registry and datasets. */
  connection: PlatformConnectionArgs;
  /** Selector labels of the inference pods (`InferenceService`), whose metrics the controller reads. */
  inferencePodLabels: Record<string, string>;
  /** The inference container port. */
  inferencePort: number;
  /** Seconds between reconcile passes. Defaults to `30`: a canary step lasts minutes, a pass a few reads. */
  intervalSeconds?: number;
  /** Requests/limits. Defaults to `DEFAULT_PIPELINE_RESOURCES`. */
  resources?: ContainerResources;
  /** Size limit of the `/tmp` scratch volume (dataset snapshots, ONNX before upload). Defaults to `"4Gi"`. */
  scratchSizeLimit?: string;
  /** ServiceAccount name. Defaults to `"pipeline"`; the federated credential's subject names it. */
  serviceAccountName?: string;
}

/** Validates `args` and builds the pod spec and the headless Service name of a controller named `name`. */
export function planPipelinePod(
  name: string,
  args: PipelineControllerArgs,
): { podSpec: k8s.types.input.core.v1.PodSpec; saName: string; metricsHost: pulumi.Output<string> } {
  assertDnsLabel("name", name, 52); // the headless Service is `<name>-inference`
  const interval = args.intervalSeconds ?? 30;
  if (!Number.isInteger(interval) || interval < 1)
    throw new Error(`intervalSeconds (${interval}) must be a whole number ≥ 1`);
  if (Object.keys(args.inferencePodLabels).length === 0)
    throw new Error("inferencePodLabels must select the inference pods (an empty selector would match every pod)");
  const saName = assertDnsLabel("serviceAccountName", args.serviceAccountName ?? "pipeline");
  const metricsHost = pulumi.interpolate`${name}-inference.${args.namespace}.svc.cluster.local`;
  const podSpec = workloadPodSpec({
    containerName: "pipeline",
    image: pinnedImage("image", args.image),
    env: [
      ...platformEnv(args.connection),
      { name: pipelineEnv.inferenceHost, value: metricsHost },
      { name: pipelineEnv.inferencePort, value: String(args.inferencePort) },
      { name: pipelineEnv.intervalSeconds, value: String(interval) },
      { name: pipelineEnv.metricsPort, value: String(PIPELINE_METRICS_PORT) },
    ],
    resources: args.resources ?? DEFAULT_PIPELINE_RESOURCES,
    serviceAccountName: saName,
    scratchSizeLimit: args.scratchSizeLimit ?? "4Gi",
    container: {
      ports: [{ name: "metrics", containerPort: PIPELINE_METRICS_PORT, protocol: "TCP" }],
      livenessProbe: { httpGet: { path: "/healthz", port: PIPELINE_METRICS_PORT }, periodSeconds: 20 },
      readinessProbe: { httpGet: { path: "/healthz", port: PIPELINE_METRICS_PORT }, periodSeconds: 10 },
    },
    // A pass in flight finishes and hands back its leases on SIGTERM; training may take a while.
    pod: { terminationGracePeriodSeconds: 120 },
  });
  return { podSpec, saName, metricsHost };
}

/** The controller Deployment, its ServiceAccount, the headless Service over the inference pods and its policies. */
export class PipelineController extends pulumi.ComponentResource {
  /** Subject the controller identity's federated credential must trust. */
  readonly serviceAccountSubject: pulumi.Output<string>;

  constructor(name: string, args: PipelineControllerArgs, opts?: pulumi.ComponentResourceOptions) {
    requireKubernetesProvider("PipelineController", opts);
    const { podSpec, saName } = planPipelinePod(name, args);
    super("ai-platform:kubernetes:PipelineController", name, {}, opts);
    const parent = { parent: this };
    const ids = { name: "pipeline", instance: name, component: "controller" };
    const labels = recommendedLabels(ids);
    const selector = selectorLabels(ids);
    const sa = workloadServiceAccount(
      `${name}-sa`,
      { namespace: args.namespace, name: saName, clientId: args.identityClientId, tenantId: args.tenantId, labels },
      parent,
    );
    new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: { name, namespace: args.namespace, labels },
        spec: {
          replicas: 1,
          // Leases keep two controllers from acting on one model, but one at a time is all a rollout needs.
          strategy: { type: "Recreate" },
          revisionHistoryLimit: 5,
          selector: { matchLabels: selector },
          template: {
            metadata: {
              labels: { ...labels, ...WORKLOAD_IDENTITY_POD_LABELS },
              annotations: {
                "prometheus.io/scrape": "true",
                "prometheus.io/port": String(PIPELINE_METRICS_PORT),
                "prometheus.io/path": "/metrics",
              },
            },
            spec: podSpec,
          },
        },
      },
      { parent: this, dependsOn: [sa] },
    );
    // Resolves to every inference pod, so each replica's counters are read (a Service IP would reach one).
    new k8s.core.v1.Service(
      `${name}-inference`,
      {
        metadata: { name: `${name}-inference`, namespace: args.namespace, labels },
        spec: {
          clusterIP: "None",
          selector: { ...args.inferencePodLabels },
          ports: [{ name: "http", port: args.inferencePort, targetPort: args.inferencePort, protocol: "TCP" }],
        },
      },
      parent,
    );
    new k8s.networking.v1.NetworkPolicy(
      `${name}-allow-inference`,
      {
        metadata: { name: `${name}-allow-inference`, namespace: args.namespace, labels },
        spec: egressToPodsSpec({
          podLabels: selector,
          toPodLabels: args.inferencePodLabels,
          port: args.inferencePort,
        }),
      },
      parent,
    );
    new k8s.networking.v1.NetworkPolicy(
      `${name}-allow-metrics`,
      {
        metadata: { name: `${name}-allow-metrics`, namespace: args.namespace, labels },
        spec: ingressAllowSpec({ podLabels: selector, port: PIPELINE_METRICS_PORT, fromNamespaces: ["kube-system"] }),
      },
      parent,
    );
    this.serviceAccountSubject = pulumi.output(args.namespace).apply((ns) => workloadIdentitySubject(ns, saName));
    this.registerOutputs({ serviceAccountSubject: this.serviceAccountSubject });
  }
}
