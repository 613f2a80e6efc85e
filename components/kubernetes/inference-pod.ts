/**
 * The inference pod, planned as a pure function: ports, drain timing, default resources, and the checked pod spec,
 * labels and replica bounds `InferenceService` builds its Deployment, Service and autoscaler from.
 */
import type * as k8s from "@pulumi/kubernetes";
import { inferenceEnv, servedModelProblem } from "../contracts";
import { assertDnsLabel, recommendedLabels, selectorLabels } from "./labels";
import { ingressAllowSpec } from "./namespace";
import { oipProbes, pinnedImage, platformEnv, workloadPodSpec } from "./pod-spec";
import type { ContainerResources } from "./resources";
import {
  type KeyVaultObject,
  SECRETS_MOUNT_PATH,
  keyVaultObjectsParameter,
  secretsStoreVolume,
} from "./secret-provider-class";

import type { InferenceServiceArgs } from "./inference-service";

/** The port the inference container listens on (its `PORT`); the probes use it. */
export const INFERENCE_PORT = 8080;

/** The port of the protocol's gRPC service (`inference.GRPCInferenceService`, its `INFERENCE_GRPC_PORT`). */
export const INFERENCE_GRPC_PORT = 8081;

/**
 * Seconds the container sleeps in `preStop` before it gets SIGTERM, so endpoints and every node's kube-proxy stop
 * routing new requests to a terminating pod before it starts draining. A `sleep` action: no binary in the image.
 */
export const INFERENCE_PRESTOP_SLEEP_SECONDS = 10;

/** The pod's grace period: the `preStop` sleep, the service's 25 s drain (INFERENCE_DRAIN_TIMEOUT_MS), 5 s margin. */
export const INFERENCE_TERMINATION_GRACE_SECONDS = 40;

/** Requests/limits of the CPU variant: one busy core, room for two ONNX sessions. */
export const DEFAULT_CPU_INFERENCE_RESOURCES: ContainerResources = {
  requests: { cpu: "500m", memory: "1Gi" },
  limits: { cpu: "2", memory: "2Gi" },
};
/** Requests/limits of the GPU variant: host-side CPU for pre/post-processing and the CUDA runtime's memory. */
export const DEFAULT_GPU_INFERENCE_RESOURCES: ContainerResources = {
  requests: { cpu: "2", memory: "8Gi" },
  limits: { cpu: "4", memory: "16Gi" },
};

/** Validates `models` and returns INFERENCE_MODELS (`name@ref,name2@ref`). */
export function inferenceModelsEnv(models: readonly string[]): string {
  if (models.length === 0) throw new Error("models must name at least one model as name@ref");
  models.forEach((m, i) => {
    const problem = servedModelProblem(m);
    if (problem !== undefined) throw new Error(`models[${i}] (${JSON.stringify(m)}) ${problem}`);
  });
  return models.join(",");
}

/** What `InferenceService` derives from its Args before creating anything; every check happens here. */
export interface InferencePodPlan {
  /** HPA minimum, also the first rollout's replica count. */
  readonly minReplicas: number;
  /** HPA maximum. */
  readonly maxReplicas: number;
  /** HPA CPU target, percent of requests. */
  readonly targetCpuUtilizationPercent: number;
  /** Recommended labels of every child. */
  readonly labels: Record<string, string>;
  /** The immutable selector labels (name + instance). */
  readonly selector: Record<string, string>;
  /** ServiceAccount name. */
  readonly saName: string;
  /** Name of the SecretProviderClass (created only with `secrets`). */
  readonly secretProviderClassName: string;
  /** Key Vault objects to mount; undefined without `secrets`. */
  readonly keyVaultObjects?: KeyVaultObject[];
  /** The Deployment's pod spec. */
  readonly podSpec: k8s.types.input.core.v1.PodSpec;
  /** The ingress NetworkPolicy's spec. */
  readonly ingressSpec: k8s.types.input.networking.v1.NetworkPolicySpec;
}

/** Validates `args` and builds the pod spec, labels and ingress policy of an InferenceService named `name`. */
export function planInferencePod(name: string, args: InferenceServiceArgs): InferencePodPlan {
  assertDnsLabel("name", name, 52); // it names the Deployment and the Service
  const minReplicas = args.minReplicas ?? 2;
  const maxReplicas = args.maxReplicas ?? 5;
  if (!Number.isInteger(minReplicas) || minReplicas < 1)
    throw new Error(`minReplicas (${minReplicas}) must be a whole number ≥ 1`);
  if (!Number.isInteger(maxReplicas) || maxReplicas < minReplicas)
    throw new Error(`maxReplicas (${maxReplicas}) must be a whole number ≥ minReplicas (${minReplicas})`);
  const target = args.targetCpuUtilizationPercent ?? 70;
  if (!Number.isInteger(target) || target < 1 || target > 100)
    throw new Error(`targetCpuUtilizationPercent (${target}) must be a whole number in 1..100`);
  if (args.secrets !== undefined && args.tenantId === undefined)
    throw new Error("tenantId is required with secrets: the Key Vault provider needs the vault's tenant");
  const image = pinnedImage("image", args.image);
  const ids = { name: "inference", instance: name, component: "server", version: args.version };
  const labels = recommendedLabels(ids);
  const selector = selectorLabels(ids);
  const saName = args.serviceAccountName ?? "inference";
  const env: k8s.types.input.core.v1.EnvVar[] = [
    ...platformEnv(args.connection),
    { name: inferenceEnv.port, value: String(INFERENCE_PORT) },
    { name: inferenceEnv.grpcPort, value: String(INFERENCE_GRPC_PORT) },
    { name: inferenceEnv.host, value: "0.0.0.0" },
    { name: inferenceEnv.models, value: inferenceModelsEnv(args.models) },
    { name: inferenceEnv.device, value: args.gpu === undefined ? "cpu" : "cuda" },
    // The service sizes its onnxruntime worker pool from this: the CPU limit in whole cores, rounded up.
    {
      name: inferenceEnv.cpuLimit,
      valueFrom: { resourceFieldRef: { containerName: "inference", resource: "limits.cpu", divisor: "1" } },
    },
  ];
  if (args.pollIntervalMs !== undefined) {
    if (!Number.isInteger(args.pollIntervalMs) || args.pollIntervalMs < 1000)
      throw new Error(`pollIntervalMs (${args.pollIntervalMs}) must be a whole number ≥ 1000`);
    env.push({ name: inferenceEnv.pollIntervalMs, value: String(args.pollIntervalMs) });
  }
  for (const [key, value, name] of [
    ["servingCap.models", args.servingCap?.models, inferenceEnv.maxModels],
    ["servingCap.bytes", args.servingCap?.bytes, inferenceEnv.maxModelBytes],
  ] as const) {
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 1) throw new Error(`${key} (${value}) must be a whole number ≥ 1`);
    env.push({ name, value: String(value) });
  }
  if (args.jwtAudience !== undefined) {
    if (args.tenantId === undefined)
      throw new Error("tenantId is required with jwtAudience: tokens are checked against that tenant's issuer");
    if (args.jwtAudience.trim() === "") throw new Error("jwtAudience must not be empty");
    env.push(
      { name: inferenceEnv.authJwtTenantId, value: args.tenantId },
      { name: inferenceEnv.authJwtAudience, value: args.jwtAudience },
    );
  }
  if (args.rateLimitPerSecond !== undefined) {
    if (!Number.isInteger(args.rateLimitPerSecond) || args.rateLimitPerSecond < 1)
      throw new Error(`rateLimitPerSecond (${args.rateLimitPerSecond}) must be a whole number ≥ 1`);
    env.push({ name: inferenceEnv.rateLimitRps, value: String(args.rateLimitPerSecond) });
  }
  const secretProviderClassName = `${name}-secrets`;
  let keyVaultObjects: KeyVaultObject[] | undefined;
  const volumes: { volume: k8s.types.input.core.v1.Volume; mount: k8s.types.input.core.v1.VolumeMount }[] = [];
  if (args.secrets !== undefined) {
    keyVaultObjects = [...(args.secrets.objects ?? [])];
    const key = args.secrets.apiKeySecret;
    if (key !== undefined && !keyVaultObjects.some((o) => (o.alias ?? o.name) === key))
      keyVaultObjects.push({ name: key });
    keyVaultObjectsParameter(keyVaultObjects);
    volumes.push(secretsStoreVolume(secretProviderClassName));
    if (key !== undefined) env.push({ name: inferenceEnv.apiKeyFile, value: `${SECRETS_MOUNT_PATH}/${key}` });
  }
  const spread = (topologyKey: string): k8s.types.input.core.v1.TopologySpreadConstraint => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: "ScheduleAnyway",
    labelSelector: { matchLabels: selector },
  });
  const podSpec = workloadPodSpec({
    containerName: "inference",
    image,
    env,
    serviceAccountName: saName,
    runAsUser: args.runAsUser,
    gpu: args.gpu,
    resources:
      args.resources ?? (args.gpu === undefined ? DEFAULT_CPU_INFERENCE_RESOURCES : DEFAULT_GPU_INFERENCE_RESOURCES),
    container: {
      ports: [
        { name: "http", containerPort: INFERENCE_PORT, protocol: "TCP" },
        { name: "grpc", containerPort: INFERENCE_GRPC_PORT, protocol: "TCP" },
      ],
      // Probes stay on REST: its health routes answer without credentials.
      ...oipProbes(INFERENCE_PORT),
      lifecycle: { preStop: { sleep: { seconds: INFERENCE_PRESTOP_SLEEP_SECONDS } } },
    },
    volumes,
    pod: {
      topologySpreadConstraints: [spread("topology.kubernetes.io/zone"), spread("kubernetes.io/hostname")],
      terminationGracePeriodSeconds: INFERENCE_TERMINATION_GRACE_SECONDS,
    },
  });
  const ingressSpec = ingressAllowSpec({
    podLabels: selector,
    port: [INFERENCE_PORT, INFERENCE_GRPC_PORT],
    fromNamespaces: [
      ...new Set([...(args.allowFromNamespaces ?? []), ...(args.metricsFromNamespaces ?? ["kube-system"])]),
    ],
    fromCidrs: args.allowFromCidrs,
  });
  return {
    minReplicas,
    maxReplicas,
    targetCpuUtilizationPercent: target,
    labels,
    selector,
    saName,
    secretProviderClassName,
    keyVaultObjects,
    podSpec,
    ingressSpec,
  };
}
