/**
 * Pure builders for the pod specs of every platform workload: the restricted security context,
 * the Open Inference Protocol probes, GPU placement, the service environment and the pod template.
 *
 * One place decides these, so the inference Deployment, the training CronJob and the batch-scoring
 * Job cannot drift apart, and the policy pack's Kubernetes rules pass for all of them.
 * Only `pinnedImage` touches Pulumi (to validate an image that is still an `Output`).
 */
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { dataPlaneEnv, platformDatabaseId } from "../contracts";
import { type ContainerResources, containerResources } from "./resources";

type Container = k8s.types.input.core.v1.Container;
type PodSpec = k8s.types.input.core.v1.PodSpec;
type EnvVar = k8s.types.input.core.v1.EnvVar;
type Toleration = k8s.types.input.core.v1.Toleration;

/**
 * The UID/GID containers run as: `1000` is the `node` user of the official Node.js images the
 * services build on. A numeric id is needed: with a named `USER` the kubelet cannot prove
 * `runAsNonRoot` and refuses to start the container.
 */
export const DEFAULT_RUN_AS_USER = 1000;

/** The taint AKS GPU pools carry in this platform (`sku=gpu:NoSchedule`, per the AKS GPU docs). */
export const GPU_TOLERATION: Readonly<Toleration> = Object.freeze({
  key: "sku",
  operator: "Equal",
  value: "gpu",
  effect: "NoSchedule",
});
/** The taint AKS puts on spot pools; a pod must tolerate it to run on spot capacity. */
export const SPOT_TOLERATION: Readonly<Toleration> = Object.freeze({
  key: "kubernetes.azure.com/scalesetpriority",
  operator: "Equal",
  value: "spot",
  effect: "NoSchedule",
});
/** The label AKS puts on GPU nodes; the default GPU node selector. */
export const DEFAULT_GPU_NODE_SELECTOR: Readonly<Record<string, string>> = Object.freeze({ accelerator: "nvidia" });
/** The pod label that makes the AKS workload identity webhook inject the federated token. */
export const WORKLOAD_IDENTITY_POD_LABELS: Readonly<Record<string, string>> = Object.freeze({
  "azure.workload.identity/use": "true",
});

/** Pod-level security context of the Pod Security Standards `restricted` profile. */
export function restrictedPodSecurityContext(
  runAsUser = DEFAULT_RUN_AS_USER,
): k8s.types.input.core.v1.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser,
    runAsGroup: runAsUser,
    fsGroup: runAsUser,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/**
 * Container-level security context: non-root, read-only root filesystem, no privilege escalation,
 * every capability dropped, seccomp `RuntimeDefault`. Set on the container too (not only the pod)
 * because `privileged`, `allowPrivilegeEscalation`, `readOnlyRootFilesystem` and `capabilities`
 * exist only there.
 */
export function restrictedContainerSecurityContext(
  runAsUser = DEFAULT_RUN_AS_USER,
): k8s.types.input.core.v1.SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser,
    runAsGroup: runAsUser,
    privileged: false,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/**
 * Startup, readiness and liveness probes on the Open Inference Protocol health endpoints.
 * The startup probe waits on `/v2/health/live` (the server is up, up to `startupSeconds`, default 300), not on
 * readiness: on a fresh platform the registry holds no model yet, and a startup probe on `/v2/health/ready`
 * would kill the container into CrashLoopBackOff instead of letting it pick the model up when it is promoted.
 * Readiness follows `/v2/health/ready` (every configured model loaded), so no traffic reaches a pod before
 * its models; liveness `/v2/health/live`.
 */
export function oipProbes(
  port: number,
  startupSeconds = 300,
): Pick<Container, "startupProbe" | "readinessProbe" | "livenessProbe"> {
  const get = (path: string) => ({ httpGet: { path, port, scheme: "HTTP" } });
  return {
    startupProbe: {
      ...get("/v2/health/live"),
      periodSeconds: 5,
      failureThreshold: Math.max(1, Math.ceil(startupSeconds / 5)),
      timeoutSeconds: 2,
    },
    readinessProbe: { ...get("/v2/health/ready"), periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 2 },
    livenessProbe: { ...get("/v2/health/live"), periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 2 },
  };
}

/** Where a GPU workload runs. Its presence on a workload's Args selects the GPU variant. */
export interface GpuPlacement {
  /** GPUs per pod. Defaults to `1`. */
  readonly count?: number;
  /** Extended resource to claim. Defaults to `nvidia.com/gpu`; a MIG profile (`nvidia.com/mig-1g.10gb`) with the `mixed` strategy. */
  readonly resourceName?: string;
  /** Also tolerate the AKS spot taint, so the pod may land on a spot GPU pool. Defaults to `false` (spot suits checkpointed jobs, not serving). */
  readonly spot?: boolean;
  /** Node selector for the GPU pool. Defaults to `{ accelerator: "nvidia" }`, the label AKS puts on GPU nodes. */
  readonly nodeSelector?: Record<string, string>;
}

/** Tolerations and node selector of a pod: none for CPU, the GPU (and spot) taints plus a GPU node selector for GPU. */
export function gpuScheduling(gpu: GpuPlacement | undefined): Pick<PodSpec, "tolerations" | "nodeSelector"> {
  if (gpu === undefined) return {};
  const tolerations: Toleration[] = [{ ...GPU_TOLERATION }];
  if (gpu.spot === true) tolerations.push({ ...SPOT_TOLERATION });
  return { tolerations, nodeSelector: { ...(gpu.nodeSelector ?? DEFAULT_GPU_NODE_SELECTOR) } };
}

/** Where the services find Cosmos DB and blob storage; on AKS they authenticate with workload identity. */
export interface PlatformConnectionArgs {
  /** Cosmos DB account endpoint, e.g. `https://<account>.documents.azure.com:443/`. */
  readonly cosmosEndpoint: pulumi.Input<string>;
  /** Cosmos DB database. Defaults to `platformDatabaseId` of the data layout (`ai-platform`). */
  readonly cosmosDatabase?: pulumi.Input<string>;
  /** Blob endpoint of the model store, e.g. `https://<account>.blob.core.windows.net/`. */
  readonly blobEndpoint: pulumi.Input<string>;
  /** Application Insights connection string; unset turns telemetry export off. */
  readonly applicationInsightsConnectionString?: pulumi.Input<string>;
}

/** The data-plane environment both services read (`dataPlaneEnv` of the contracts): Cosmos DB, blob storage, telemetry. */
export function platformEnv(conn: PlatformConnectionArgs): EnvVar[] {
  const env: EnvVar[] = [
    { name: dataPlaneEnv.cosmosEndpoint, value: conn.cosmosEndpoint },
    { name: dataPlaneEnv.cosmosDatabase, value: conn.cosmosDatabase ?? platformDatabaseId },
    { name: dataPlaneEnv.blobEndpoint, value: conn.blobEndpoint },
  ];
  if (conn.applicationInsightsConnectionString !== undefined) {
    env.push({
      name: dataPlaneEnv.applicationInsightsConnectionString,
      value: conn.applicationInsightsConnectionString,
    });
  }
  return env;
}

const DIGEST_PINNED = /^[a-z0-9][a-z0-9.-]*(?::[0-9]+)?\/[a-z0-9._/-]+(?::[\w][\w.-]{0,127})?@sha256:[0-9a-f]{64}$/;

/** Throws naming `field` unless `image` is `<registry>/<repository>[:tag]@sha256:<64 hex>`. */
export function assertDigestPinned(field: string, image: string): string {
  if (!DIGEST_PINNED.test(image)) {
    throw new Error(
      `${field} (${JSON.stringify(image)}) must be pinned by digest: <registry>/<repository>[:tag]@sha256:<64 hex digits>`,
    );
  }
  return image;
}

/** Validates a digest-pinned image now when it is a string, or when it resolves when it is an Output. */
export function pinnedImage(field: string, image: pulumi.Input<string>): pulumi.Input<string> {
  return typeof image === "string"
    ? assertDigestPinned(field, image)
    : pulumi.output(image).apply((i) => assertDigestPinned(field, i));
}

/** Mount point of the writable scratch `emptyDir`: the root filesystem is read-only. */
export const SCRATCH_MOUNT_PATH = "/tmp";

/** Everything that differs between the platform's workloads; the rest of the pod spec is fixed. */
export interface WorkloadPodArgs {
  /** Container name (also its `app.kubernetes.io/name`). */
  readonly containerName: string;
  /** Digest-pinned image, already validated by `pinnedImage`. */
  readonly image: pulumi.Input<string>;
  /** Container args (the image's entrypoint stays). */
  readonly args?: pulumi.Input<string>[];
  /** Environment variables. */
  readonly env: EnvVar[];
  /** CPU/memory requests and limits. */
  readonly resources: ContainerResources;
  /** GPU placement; unset runs on CPU nodes. */
  readonly gpu?: GpuPlacement;
  /** Service account carrying the workload identity annotation. */
  readonly serviceAccountName: pulumi.Input<string>;
  /** UID/GID. Defaults to `DEFAULT_RUN_AS_USER`. */
  readonly runAsUser?: number;
  /** Size limit of the scratch `emptyDir` at `/tmp`. Defaults to `"1Gi"`. */
  readonly scratchSizeLimit?: string;
  /** Extra container fields (ports, probes, the `preStop` hook). */
  readonly container?: Partial<
    Pick<Container, "command" | "ports" | "startupProbe" | "readinessProbe" | "livenessProbe" | "lifecycle">
  >;
  /** Extra volumes and their mounts (the Key Vault CSI volume). */
  readonly volumes?: { volume: k8s.types.input.core.v1.Volume; mount: k8s.types.input.core.v1.VolumeMount }[];
  /** Pod fields the caller owns: `restartPolicy`, `topologySpreadConstraints`, `terminationGracePeriodSeconds`. */
  readonly pod?: Partial<
    Pick<PodSpec, "restartPolicy" | "topologySpreadConstraints" | "terminationGracePeriodSeconds">
  >;
}

/**
 * The pod spec of a platform workload: one container under the restricted security context,
 * a scratch `emptyDir` at `/tmp`, the workload identity service account (its token is projected by
 * the webhook, so the default API token is not mounted), and GPU placement when asked.
 */
export function workloadPodSpec(a: WorkloadPodArgs): PodSpec {
  const uid = a.runAsUser ?? DEFAULT_RUN_AS_USER;
  if (!Number.isInteger(uid) || uid <= 0)
    throw new Error(`runAsUser (${uid}) must be a positive whole number: 0 is root`);
  const gpus = a.gpu === undefined ? 0 : (a.gpu.count ?? 1);
  if (a.gpu !== undefined && gpus < 1) throw new Error(`gpu.count (${gpus}) must be at least 1 for a GPU workload`);
  const extra = a.volumes ?? [];
  const container: Container = {
    name: a.containerName,
    image: a.image,
    imagePullPolicy: "IfNotPresent",
    ...(a.args !== undefined ? { args: a.args } : {}),
    env: a.env,
    resources: containerResources(`${a.containerName}.resources`, a.resources, gpus, a.gpu?.resourceName),
    securityContext: restrictedContainerSecurityContext(uid),
    volumeMounts: [{ name: "scratch", mountPath: SCRATCH_MOUNT_PATH }, ...extra.map((v) => v.mount)],
    ...a.container,
  };
  return {
    serviceAccountName: a.serviceAccountName,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: restrictedPodSecurityContext(uid),
    containers: [container],
    volumes: [{ name: "scratch", emptyDir: { sizeLimit: a.scratchSizeLimit ?? "1Gi" } }, ...extra.map((v) => v.volume)],
    ...gpuScheduling(a.gpu),
    ...a.pod,
  };
}
