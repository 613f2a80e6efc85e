/**
 * The ONNX inference service on AKS: a digest-pinned Deployment (CPU or GPU variant) speaking the
 * Open Inference Protocol over REST on port 8080 and gRPC on 8081, behind an internal-only Service, with a PodDisruptionBudget,
 * a HorizontalPodAutoscaler, its ingress NetworkPolicy, its workload identity ServiceAccount and,
 * optionally, Key Vault secrets through a SecretProviderClass.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { inferenceEnv, servedModelProblem } from "../contracts";
import { requireKubernetesProvider } from "./provider";
import { assertDnsLabel, recommendedLabels, selectorLabels } from "./labels";
import { ingressAllowSpec } from "./namespace";
import {
  type GpuPlacement,
  type PlatformConnectionArgs,
  WORKLOAD_IDENTITY_POD_LABELS,
  oipProbes,
  pinnedImage,
  platformEnv,
  workloadPodSpec,
} from "./pod-spec";
import type { ContainerResources } from "./resources";
import {
  type KeyVaultObject,
  SECRETS_MOUNT_PATH,
  keyVaultObjectsParameter,
  keyVaultSecretProviderClass,
  secretsStoreVolume,
} from "./secret-provider-class";
import { workloadIdentitySubject, workloadServiceAccount } from "./service-account";

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

/** Inputs of `InferenceService`. */
export interface InferenceServiceArgs {
  /** Namespace to deploy into (a `PlatformNamespace`). */
  namespace: pulumi.Input<string>;
  /** Image, pinned by digest (`<acr>.azurecr.io/inference@sha256:…`); a plain string is checked now, an Output on resolve. Use the CUDA image with `gpu`. */
  image: pulumi.Input<string>;
  /** Client id of the inference managed identity (federated to `serviceAccountSubject`). */
  identityClientId: pulumi.Input<string>;
  /** Entra tenant id, for the ServiceAccount annotation and the Key Vault provider. Required with `secrets`. */
  tenantId?: pulumi.Input<string>;
  /** Cosmos DB and blob endpoints of the model registry. */
  connection: PlatformConnectionArgs;
  /** Models to serve as `name@ref` (ref: a version, an alias such as `production`, or `latest`); becomes INFERENCE_MODELS. */
  models: string[];
  /** GPU variant: claims GPUs, tolerates the GPU taint, selects GPU nodes, sets INFERENCE_DEVICE=cuda. Unset: CPU variant. */
  gpu?: GpuPlacement;
  /** Minimum replicas (HPA). Defaults to `2`, so a voluntary disruption never takes the service down. */
  minReplicas?: number;
  /** Maximum replicas (HPA). Defaults to `5`. */
  maxReplicas?: number;
  /** HPA target average CPU utilisation, percent of requests. Defaults to `70`. */
  targetCpuUtilizationPercent?: number;
  /** Requests/limits. Defaults to `DEFAULT_CPU_INFERENCE_RESOURCES` or, with `gpu`, `DEFAULT_GPU_INFERENCE_RESOURCES`. */
  resources?: ContainerResources;
  /**
   * How the Service is exposed. Defaults to `"ClusterIP"` (cluster-internal). `"InternalLoadBalancer"`
   * gives a VNet-private Azure load balancer (annotated internal); a public load balancer is not offered.
   */
  serviceType?: "ClusterIP" | "InternalLoadBalancer";
  /** Namespaces whose pods may call the service, besides its own. Defaults to none. */
  allowFromNamespaces?: string[];
  /** CIDRs that may call the service (VNet clients of the internal load balancer). Defaults to none. */
  allowFromCidrs?: string[];
  /** Namespaces allowed to scrape `/metrics`. Defaults to `["kube-system"]`, where AKS managed Prometheus runs. */
  metricsFromNamespaces?: string[];
  /**
   * Key Vault secrets mounted at `/mnt/secrets` through a SecretProviderClass. `apiKeySecret` names the
   * object holding the API key: INFERENCE_API_KEY_FILE points at it. Unset: no secrets, no API key.
   */
  secrets?: { keyVaultName: pulumi.Input<string>; apiKeySecret?: string; objects?: KeyVaultObject[] };
  /**
   * Require an Entra ID bearer token for this audience on every inference call (INFERENCE_AUTH_JWT_AUDIENCE,
   * issuer tenant `tenantId`, which is then required). Defaults to none: the service is reachable only inside
   * the cluster or the VNet; set it when callers there should also authenticate.
   */
  jwtAudience?: string;
  /** Request rate limit per client, requests per second (INFERENCE_RATE_LIMIT_RPS). Defaults to none. */
  rateLimitPerSecond?: number;
  /** How often the service re-resolves model aliases (INFERENCE_POLL_INTERVAL_MS). Defaults to the service's own default. */
  pollIntervalMs?: number;
  /**
   * With `models: ["*@production"]` (every model that has the alias): the most models and artifact bytes one pod
   * serves (INFERENCE_MAX_MODELS, INFERENCE_MAX_MODEL_BYTES); a model beyond the cap answers 503 naming it.
   * Defaults to no cap: size the pod's memory for every model the alias may cover.
   */
  servingCap?: { models?: number; bytes?: number };
  /** ServiceAccount name. Defaults to `"inference"`; the federated credential's subject names it. */
  serviceAccountName?: string;
  /** `app.kubernetes.io/version` label. Defaults to none. */
  version?: string;
  /** UID/GID the container runs as. Defaults to `1000` (the Node.js image's `node` user). */
  runAsUser?: number;
}

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

/** An internal-only OIP inference Deployment with its Service, PDB, HPA, NetworkPolicy and ServiceAccount. */
export class InferenceService extends pulumi.ComponentResource {
  /** Service name (the in-cluster DNS name is `<serviceName>.<namespace>.svc.cluster.local`). */
  readonly serviceName: pulumi.Output<string>;
  /** In-cluster base URL of the Open Inference Protocol API, e.g. `http://inference.ai.svc.cluster.local`. */
  readonly url: pulumi.Output<string>;
  /** In-cluster `host:port` of its gRPC service, e.g. `inference.ai.svc.cluster.local:8081`. */
  readonly grpcAddress: pulumi.Output<string>;
  /** Deployment name. */
  readonly deploymentName: pulumi.Output<string>;
  /** Subject the inference identity's federated credential must trust. */
  readonly serviceAccountSubject: pulumi.Output<string>;

  constructor(name: string, args: InferenceServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate everything before registering anything: bad input fails with one precise message.
    requireKubernetesProvider("InferenceService", opts);
    const plan = planInferencePod(name, args);
    const { labels, selector, saName, minReplicas } = plan;
    super("ai-platform:kubernetes:InferenceService", name, {}, opts);
    const parent = { parent: this };

    const dependsOn: pulumi.Resource[] = [
      workloadServiceAccount(
        `${name}-sa`,
        { namespace: args.namespace, name: saName, clientId: args.identityClientId, tenantId: args.tenantId, labels },
        parent,
      ),
    ];
    if (args.secrets !== undefined && plan.keyVaultObjects !== undefined) {
      dependsOn.push(
        keyVaultSecretProviderClass(
          `${name}-spc`,
          {
            namespace: args.namespace,
            name: plan.secretProviderClassName,
            keyVaultName: args.secrets.keyVaultName,
            tenantId: args.tenantId as pulumi.Input<string>,
            clientId: args.identityClientId,
            objects: plan.keyVaultObjects,
            labels,
          },
          parent,
        ),
      );
    }
    const deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        // Not awaited: pods become Ready only once the registry serves their models, which on a fresh platform
        // happens after the first training run; an awaited rollout would time out the first `pulumi up`.
        metadata: { name, namespace: args.namespace, labels, annotations: { "pulumi.com/skipAwait": "true" } },
        spec: {
          // The HPA owns the replica count; this is only the first rollout's size.
          replicas: minReplicas,
          revisionHistoryLimit: 5,
          selector: { matchLabels: selector },
          strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
          template: {
            metadata: {
              labels: { ...labels, ...WORKLOAD_IDENTITY_POD_LABELS },
              annotations: {
                "prometheus.io/scrape": "true",
                "prometheus.io/port": String(INFERENCE_PORT),
                "prometheus.io/path": "/metrics",
              },
            },
            spec: plan.podSpec,
          },
        },
      },
      { parent: this, dependsOn, ignoreChanges: ["spec.replicas"] },
    );

    const internalLb = (args.serviceType ?? "ClusterIP") === "InternalLoadBalancer";
    const service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: {
          name,
          namespace: args.namespace,
          labels,
          ...(internalLb ? { annotations: { "service.beta.kubernetes.io/azure-load-balancer-internal": "true" } } : {}),
        },
        spec: {
          type: internalLb ? "LoadBalancer" : "ClusterIP",
          selector,
          ports: [
            { name: "http", port: 80, targetPort: "http", protocol: "TCP" },
            // h2c: gRPC over cleartext HTTP/2 inside the cluster, so meshes and gateways route it as gRPC.
            {
              name: "grpc",
              port: INFERENCE_GRPC_PORT,
              targetPort: "grpc",
              protocol: "TCP",
              appProtocol: "kubernetes.io/h2c",
            },
          ],
        },
      },
      parent,
    );

    new k8s.policy.v1.PodDisruptionBudget(
      `${name}-pdb`,
      {
        metadata: { name, namespace: args.namespace, labels },
        spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
      },
      parent,
    );

    new k8s.autoscaling.v2.HorizontalPodAutoscaler(
      `${name}-hpa`,
      {
        metadata: { name, namespace: args.namespace, labels },
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name },
          minReplicas,
          maxReplicas: plan.maxReplicas,
          metrics: [
            {
              type: "Resource",
              resource: {
                name: "cpu",
                target: { type: "Utilization", averageUtilization: plan.targetCpuUtilizationPercent },
              },
            },
          ],
          behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
        },
      },
      parent,
    );

    new k8s.networking.v1.NetworkPolicy(
      `${name}-allow-ingress`,
      {
        metadata: { name: `${name}-allow-ingress`, namespace: args.namespace, labels },
        spec: plan.ingressSpec,
      },
      parent,
    );

    this.serviceName = service.metadata.name;
    this.deploymentName = deployment.metadata.name;
    this.url = pulumi.interpolate`http://${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local`;
    this.grpcAddress = pulumi.interpolate`${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local:${INFERENCE_GRPC_PORT}`;
    this.serviceAccountSubject = pulumi.output(args.namespace).apply((ns) => workloadIdentitySubject(ns, saName));
    this.registerOutputs({
      serviceName: this.serviceName,
      url: this.url,
      grpcAddress: this.grpcAddress,
      deploymentName: this.deploymentName,
      serviceAccountSubject: this.serviceAccountSubject,
    });
  }
}
