/**
 * Shared inputs and checks for the Kubernetes component suites.
 */
import * as k8s from "@pulumi/kubernetes";
import { allRegistered, type RegisteredResource } from "../support/pulumi-mocks";

export const DIGEST = "0123456789abcdef".repeat(4);
export const INFERENCE_IMAGE = `acrplatform.azurecr.io/inference@sha256:${DIGEST}`;
export const TRAINING_IMAGE = `acrplatform.azurecr.io/training@sha256:${DIGEST}`;
export const CLIENT_ID = "33333333-3333-4333-a333-333333333333";
export const TENANT_ID = "11111111-1111-1111-1111-111111111111";
export const CONNECTION = {
  cosmosEndpoint: "https://cosmos-ai.documents.azure.com:443/",
  blobEndpoint: "https://stai.blob.core.windows.net/",
};

/** A Kubernetes provider as AiPlatform builds it (kubeconfig content is irrelevant under mocks). */
export function testProvider(): k8s.Provider {
  return new k8s.Provider("aks", { kubeconfig: "apiVersion: v1\nkind: Config\n" });
}

/** Every recorded Kubernetes object (providers excluded). */
export function kubernetesObjects(): RegisteredResource[] {
  return allRegistered().filter((r) => r.type.startsWith("kubernetes:"));
}

/** Count of recorded resources per type token, for exact child-count assertions. */
export function countByType(resources: readonly RegisteredResource[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return counts;
}

/**
 * The policy pack's pod rules, as this suite reads them (PSS restricted plus the platform's own):
 * returns one message per violation, empty for a compliant pod spec.
 */
export function restrictedViolations(pod: any, opts: { registry?: string; longRunning?: boolean } = {}): string[] {
  const v: string[] = [];
  const registry = opts.registry ?? "acrplatform.azurecr.io/";
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) v.push("host namespaces");
  for (const vol of pod.volumes ?? []) if (vol.hostPath) v.push(`hostPath volume ${vol.name}`);
  if (pod.securityContext?.runAsNonRoot !== true) v.push("pod runAsNonRoot");
  if (pod.securityContext?.seccompProfile?.type !== "RuntimeDefault") v.push("pod seccomp");
  const gpuTolerated = (pod.tolerations ?? []).some(
    (t: any) => t.key === "sku" && t.value === "gpu" && t.effect === "NoSchedule",
  );
  for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
    const sc = c.securityContext ?? {};
    if (sc.runAsNonRoot !== true || sc.runAsUser === 0) v.push(`${c.name}: runAsNonRoot`);
    if (sc.allowPrivilegeEscalation !== false) v.push(`${c.name}: allowPrivilegeEscalation`);
    if (sc.privileged === true) v.push(`${c.name}: privileged`);
    if (sc.readOnlyRootFilesystem !== true) v.push(`${c.name}: readOnlyRootFilesystem`);
    if (!(sc.capabilities?.drop ?? []).includes("ALL") || (sc.capabilities?.add ?? []).length > 0)
      v.push(`${c.name}: capabilities`);
    if (sc.seccompProfile !== undefined && sc.seccompProfile.type !== "RuntimeDefault") v.push(`${c.name}: seccomp`);
    for (const k of ["cpu", "memory"]) {
      if (c.resources?.limits?.[k] === undefined || c.resources?.requests?.[k] === undefined)
        v.push(`${c.name}: ${k} requests/limits`);
    }
    if (!String(c.image).startsWith(registry)) v.push(`${c.name}: image registry`);
    if (!/@sha256:[0-9a-f]{64}$/.test(String(c.image))) v.push(`${c.name}: image not pinned by digest`);
    for (const p of c.ports ?? []) if (p.hostPort !== undefined) v.push(`${c.name}: hostPort`);
    if (opts.longRunning === true && (!c.livenessProbe || !c.readinessProbe)) v.push(`${c.name}: probes`);
    const gpus = Number(c.resources?.limits?.["nvidia.com/gpu"] ?? 0);
    if (gpus > 0 && !gpuTolerated) v.push(`${c.name}: GPU without the GPU toleration`);
  }
  return v;
}
