import { beforeEach, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { InferenceService, pinnedImage, restrictedContainerSecurityContext } from "../../components/kubernetes";
import { INFERENCE_PRESTOP_SLEEP_SECONDS } from "../../components/kubernetes/inference-service";
import { loadConfig } from "../../services/inference/src/config";
import { installMocks, registered, settle, unwrap } from "../support/pulumi-mocks";
import { podSpecOf, validateAllUpstream } from "./schema";
import {
  CLIENT_ID,
  CONNECTION,
  DIGEST,
  INFERENCE_IMAGE,
  TENANT_ID,
  countByType,
  kubernetesObjects,
  restrictedViolations,
  testProvider,
} from "./fixtures";
import { parse } from "yaml";

const SELECTOR = { "app.kubernetes.io/name": "inference", "app.kubernetes.io/instance": "serving" };
const LABELS = {
  ...SELECTOR,
  "app.kubernetes.io/component": "server",
  "app.kubernetes.io/part-of": "ai-platform",
  "app.kubernetes.io/managed-by": "pulumi",
};

describe("InferenceService", () => {
  beforeEach(async () => {
    await installMocks();
  });

  it("CPU variant: exact children, restricted pod, OIP probes, contract env, ClusterIP service", async () => {
    const provider = testProvider();
    const svc = new InferenceService(
      "serving",
      {
        namespace: "ai",
        image: INFERENCE_IMAGE,
        identityClientId: CLIENT_ID,
        connection: CONNECTION,
        models: ["iris@production"],
      },
      { provider },
    );
    expect(await unwrap(svc.url)).toBe("http://serving.ai.svc.cluster.local");
    expect(await unwrap(svc.grpcAddress)).toBe("serving.ai.svc.cluster.local:8081");
    expect(await unwrap(svc.serviceAccountSubject)).toBe("system:serviceaccount:ai:inference");
    await settle();

    const objects = kubernetesObjects();
    expect(countByType(objects)).toEqual({
      "kubernetes:core/v1:ServiceAccount": 1,
      "kubernetes:apps/v1:Deployment": 1,
      "kubernetes:core/v1:Service": 1,
      "kubernetes:policy/v1:PodDisruptionBudget": 1,
      "kubernetes:autoscaling/v2:HorizontalPodAutoscaler": 1,
      "kubernetes:networking.k8s.io/v1:NetworkPolicy": 1,
    });
    expect(objects.every((o) => /::pulumi:providers:kubernetes::aks::/.test(o.provider ?? ""))).toBe(true);
    expect(validateAllUpstream(objects)).toBe(6);

    const [sa] = registered("kubernetes:core/v1:ServiceAccount");
    expect(sa!.inputs.metadata).toEqual({
      name: "inference",
      namespace: "ai",
      labels: LABELS,
      annotations: { "azure.workload.identity/client-id": CLIENT_ID },
    });
    expect(sa!.inputs.automountServiceAccountToken).toBe(false);

    const [dep] = registered("kubernetes:apps/v1:Deployment");
    // Not awaited: on a fresh platform no model exists yet, so an awaited rollout would time out `pulumi up`.
    expect(dep!.inputs.metadata).toEqual({
      name: "serving",
      namespace: "ai",
      labels: LABELS,
      annotations: { "pulumi.com/skipAwait": "true" },
    });
    expect(dep!.inputs.spec.selector).toEqual({ matchLabels: SELECTOR });
    expect(dep!.inputs.spec.replicas).toBe(2);
    expect(dep!.inputs.spec.strategy).toEqual({
      type: "RollingUpdate",
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    });
    expect(dep!.inputs.spec.template.metadata.labels).toEqual({ ...LABELS, "azure.workload.identity/use": "true" });
    const pod = podSpecOf(dep!);
    expect(restrictedViolations(pod, { longRunning: true })).toEqual([]);
    expect(pod.tolerations).toBeUndefined();
    expect(pod.nodeSelector).toBeUndefined();
    expect(pod.serviceAccountName).toBe("inference");
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(
      pod.topologySpreadConstraints.map((t: any) => [t.topologyKey, t.whenUnsatisfiable, t.labelSelector.matchLabels]),
    ).toEqual([
      ["topology.kubernetes.io/zone", "ScheduleAnyway", SELECTOR],
      ["kubernetes.io/hostname", "ScheduleAnyway", SELECTOR],
    ]);
    expect(pod.volumes).toEqual([{ name: "scratch", emptyDir: { sizeLimit: "1Gi" } }]);
    expect(pod.containers).toHaveLength(1);
    const [c] = pod.containers;
    expect(c.image).toBe(INFERENCE_IMAGE);
    expect(c.securityContext).toEqual(restrictedContainerSecurityContext());
    expect(c.resources).toEqual({ requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } });
    expect(c.ports).toEqual([
      { name: "http", containerPort: 8080, protocol: "TCP" },
      { name: "grpc", containerPort: 8081, protocol: "TCP" },
    ]);
    // Endpoints drain first: a preStop sleep before SIGTERM, and a grace period that covers it and the service's drain.
    expect(c.lifecycle).toEqual({ preStop: { sleep: { seconds: INFERENCE_PRESTOP_SLEEP_SECONDS } } });
    expect(INFERENCE_PRESTOP_SLEEP_SECONDS).toBe(10);
    expect(pod.terminationGracePeriodSeconds).toBe(40);
    const drainSeconds = loadConfig({ INFERENCE_MODEL_REPOSITORY: "/m" }).drainTimeoutMs / 1000;
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(INFERENCE_PRESTOP_SLEEP_SECONDS + drainSeconds);
    expect([c.startupProbe.httpGet.path, c.readinessProbe.httpGet.path, c.livenessProbe.httpGet.path]).toEqual([
      "/v2/health/live",
      "/v2/health/ready",
      "/v2/health/live",
    ]);
    expect(c.env).toEqual([
      { name: "COSMOS_ENDPOINT", value: CONNECTION.cosmosEndpoint },
      { name: "COSMOS_DATABASE", value: "ai-platform" },
      { name: "STORAGE_BLOB_ENDPOINT", value: CONNECTION.blobEndpoint },
      { name: "PORT", value: "8080" },
      { name: "INFERENCE_GRPC_PORT", value: "8081" },
      { name: "HOST", value: "0.0.0.0" },
      { name: "INFERENCE_MODELS", value: "iris@production" },
      { name: "INFERENCE_DEVICE", value: "cpu" },
      {
        name: "INFERENCE_CPU_LIMIT",
        valueFrom: { resourceFieldRef: { containerName: "inference", resource: "limits.cpu", divisor: "1" } },
      },
    ]);

    const [service] = registered("kubernetes:core/v1:Service");
    expect(service!.inputs.metadata.annotations).toBeUndefined();
    expect(service!.inputs.spec).toEqual({
      type: "ClusterIP",
      selector: SELECTOR,
      ports: [
        { name: "http", port: 80, targetPort: "http", protocol: "TCP" },
        { name: "grpc", port: 8081, targetPort: "grpc", protocol: "TCP", appProtocol: "kubernetes.io/h2c" },
      ],
    });

    const [pdb] = registered("kubernetes:policy/v1:PodDisruptionBudget");
    expect(pdb!.inputs.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: SELECTOR } });
    const [hpa] = registered("kubernetes:autoscaling/v2:HorizontalPodAutoscaler");
    expect(hpa!.inputs.spec).toEqual({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "serving" },
      minReplicas: 2,
      maxReplicas: 5,
      metrics: [
        { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
      ],
      behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
    });
    const [np] = registered("kubernetes:networking.k8s.io/v1:NetworkPolicy");
    expect(np!.inputs.spec).toEqual({
      podSelector: { matchLabels: SELECTOR },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [
            { podSelector: {} },
            { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } },
          ],
          ports: [
            { protocol: "TCP", port: 8080 },
            { protocol: "TCP", port: 8081 },
          ],
        },
      ],
    });
  });

  it("GPU variant with an internal load balancer and Key Vault secrets", async () => {
    const provider = testProvider();
    new InferenceService(
      "serving",
      {
        namespace: "ai",
        image: INFERENCE_IMAGE,
        identityClientId: CLIENT_ID,
        tenantId: TENANT_ID,
        connection: CONNECTION,
        models: ["iris@production", "penguins@3"],
        gpu: { spot: false },
        serviceType: "InternalLoadBalancer",
        allowFromCidrs: ["10.10.0.0/16"],
        minReplicas: 1,
        maxReplicas: 3,
        pollIntervalMs: 30_000,
        jwtAudience: "api://ai-inference",
        rateLimitPerSecond: 50,
        secrets: { keyVaultName: "kv-ai", apiKeySecret: "inference-api-key" },
      },
      { provider },
    );
    await settle();
    const objects = kubernetesObjects();
    expect(countByType(objects)["kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass"]).toBe(1);
    expect(objects).toHaveLength(7);
    expect(validateAllUpstream(objects)).toBe(7);

    const pod = podSpecOf(registered("kubernetes:apps/v1:Deployment")[0]!);
    expect(restrictedViolations(pod, { longRunning: true })).toEqual([]);
    expect(pod.tolerations).toEqual([{ key: "sku", operator: "Equal", value: "gpu", effect: "NoSchedule" }]);
    expect(pod.nodeSelector).toEqual({ accelerator: "nvidia" });
    const [c] = pod.containers;
    expect(c.resources).toEqual({
      requests: { cpu: "2", memory: "8Gi" },
      limits: { cpu: "4", memory: "16Gi", "nvidia.com/gpu": "1" },
    });
    const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value]));
    expect(
      pick(env, [
        "INFERENCE_MODELS",
        "INFERENCE_DEVICE",
        "INFERENCE_POLL_INTERVAL_MS",
        "INFERENCE_API_KEY_FILE",
        "INFERENCE_AUTH_JWT_TENANT_ID",
        "INFERENCE_AUTH_JWT_AUDIENCE",
        "INFERENCE_RATE_LIMIT_RPS",
      ]),
    ).toEqual({
      INFERENCE_MODELS: "iris@production,penguins@3",
      INFERENCE_DEVICE: "cuda",
      INFERENCE_POLL_INTERVAL_MS: "30000",
      INFERENCE_API_KEY_FILE: "/mnt/secrets/inference-api-key",
      INFERENCE_AUTH_JWT_TENANT_ID: TENANT_ID,
      INFERENCE_AUTH_JWT_AUDIENCE: "api://ai-inference",
      INFERENCE_RATE_LIMIT_RPS: "50",
    });
    expect(pod.volumes[1]).toEqual({
      name: "secrets-store",
      csi: {
        driver: "secrets-store.csi.k8s.io",
        readOnly: true,
        volumeAttributes: { secretProviderClass: "serving-secrets" },
      },
    });
    expect(c.volumeMounts[1]).toEqual({ name: "secrets-store", mountPath: "/mnt/secrets", readOnly: true });

    const [spc] = registered("kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass");
    expect(spc!.inputs.metadata.name).toBe("serving-secrets");
    const { objects: objectsYaml, ...params } = spc!.inputs.spec.parameters;
    expect(spc!.inputs.spec.provider).toBe("azure");
    expect(params).toEqual({
      usePodIdentity: "false",
      useVMManagedIdentity: "false",
      clientID: CLIENT_ID,
      keyvaultName: "kv-ai",
      tenantId: TENANT_ID,
    });
    expect((parse(objectsYaml).array as string[]).map((s) => parse(s))).toEqual([
      { objectName: "inference-api-key", objectType: "secret", objectVersion: "" },
    ]);

    const [service] = registered("kubernetes:core/v1:Service");
    expect(service!.inputs.spec.type).toBe("LoadBalancer");
    expect(service!.inputs.metadata.annotations).toEqual({
      "service.beta.kubernetes.io/azure-load-balancer-internal": "true",
    });
    const [np] = registered("kubernetes:networking.k8s.io/v1:NetworkPolicy");
    expect(np!.inputs.spec.ingress[0].from.at(-1)).toEqual({ ipBlock: { cidr: "10.10.0.0/16" } });
    const [hpa] = registered("kubernetes:autoscaling/v2:HorizontalPodAutoscaler");
    expect([hpa!.inputs.spec.minReplicas, hpa!.inputs.spec.maxReplicas]).toEqual([1, 3]);
  });

  it.each([
    [
      { image: "acrplatform.azurecr.io/inference:latest" },
      /^image \("acrplatform.azurecr.io\/inference:latest"\) must be pinned by digest/,
    ],
    [{ models: [] }, /^models must name at least one model/],
    [{ minReplicas: 3, maxReplicas: 2 }, /^maxReplicas \(2\) must be a whole number ≥ minReplicas \(3\)/],
    [{ minReplicas: 0 }, /^minReplicas \(0\)/],
    [{ targetCpuUtilizationPercent: 0 }, /^targetCpuUtilizationPercent \(0\)/],
    [{ secrets: { keyVaultName: "kv" } }, /^tenantId is required with secrets/],
    [{ pollIntervalMs: 10 }, /^pollIntervalMs \(10\)/],
    [{ jwtAudience: "api://x" }, /^tenantId is required with jwtAudience/],
    [{ rateLimitPerSecond: 0 }, /^rateLimitPerSecond \(0\)/],
    [{ allowFromCidrs: ["0.0.0.0"] }, /^fromCidrs\[0\]/],
    [
      { resources: { requests: { cpu: "4", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } } },
      /^inference.resources.requests.cpu \(4\) exceeds/,
    ],
  ])("rejects bad input %j", (override, message) => {
    expect(
      () =>
        new InferenceService(
          "bad",
          {
            namespace: "ai",
            image: INFERENCE_IMAGE,
            identityClientId: CLIENT_ID,
            connection: CONNECTION,
            models: ["iris@production"],
            ...override,
          },
          { provider: testProvider() },
        ),
    ).toThrow(message);
  });

  it("refuses to run without an explicit provider", () => {
    expect(
      () =>
        new InferenceService("x", {
          namespace: "ai",
          image: INFERENCE_IMAGE,
          identityClientId: CLIENT_ID,
          connection: CONNECTION,
          models: ["a@1"],
        }),
    ).toThrow(/^InferenceService needs opts.provider/);
  });

  it("passes a digest-pinned image Output through unchanged", async () => {
    // A bad Output fails in its apply (the deployment stops there); its message is the one table-tested for strings.
    expect(await unwrap(pinnedImage("image", pulumi.output(INFERENCE_IMAGE)))).toBe(INFERENCE_IMAGE);
    expect(DIGEST).toHaveLength(64);
  });
});

function pick(obj: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, obj[k]]));
}
