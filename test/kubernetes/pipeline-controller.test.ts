// The pipeline controller workload under mocks: exact security-relevant inputs (no Kubernetes API token, restricted
// pod, egress to the inference pods only), the policy pack at mandatory level, upstream schemas, argument checks.
import { beforeAll, describe, expect, it } from "vitest";
import { PipelineController, planPipelinePod, type PipelineControllerArgs } from "../../components/kubernetes";
import { rules } from "../../policies/rules";
import { evaluate } from "../../tools/check/engine";
import { installMocks, settle, unwrap } from "../support/pulumi-mocks";
import { validateAllUpstream } from "./schema";
import {
  CLIENT_ID,
  CONNECTION,
  DIGEST,
  TENANT_ID,
  countByType,
  kubernetesObjects,
  restrictedViolations,
  testProvider,
} from "./fixtures";

const INFERENCE = { "app.kubernetes.io/name": "inference", "app.kubernetes.io/instance": "w-inference" };
const args: PipelineControllerArgs = {
  namespace: "ai-platform",
  image: `acrplatform.azurecr.io/pipeline@sha256:${DIGEST}`,
  identityClientId: CLIENT_ID,
  tenantId: TENANT_ID,
  connection: CONNECTION,
  inferencePodLabels: INFERENCE,
  inferencePort: 8080,
};
let controller: PipelineController;

beforeAll(async () => {
  await installMocks();
  controller = new PipelineController("pipeline", args, { provider: testProvider() });
  await settle();
});

const ofType = (type: string) => kubernetesObjects().filter((r) => r.type === type);

describe("PipelineController", () => {
  it("creates exactly its Deployment, headless inference Service, two NetworkPolicies and ServiceAccount", async () => {
    const objects = kubernetesObjects();
    expect(countByType(objects)).toEqual({
      "kubernetes:apps/v1:Deployment": 1,
      "kubernetes:core/v1:Service": 1,
      "kubernetes:core/v1:ServiceAccount": 1,
      "kubernetes:networking.k8s.io/v1:NetworkPolicy": 2,
    });
    expect(validateAllUpstream(objects)).toBe(objects.length);
    const [service] = ofType("kubernetes:core/v1:Service");
    expect(service?.inputs.spec).toEqual({
      clusterIP: "None",
      selector: INFERENCE,
      ports: [{ name: "http", port: 8080, targetPort: 8080, protocol: "TCP" }],
    });
    expect(await unwrap(controller.serviceAccountSubject)).toBe("system:serviceaccount:ai-platform:pipeline");
  });

  it("one restricted pod with no Kubernetes API token, the controller's env, and its metrics scraped", () => {
    const [deployment] = ofType("kubernetes:apps/v1:Deployment");
    expect(deployment?.inputs.spec.replicas).toBe(1);
    expect(deployment?.inputs.spec.strategy).toEqual({ type: "Recreate" });
    const template = deployment?.inputs.spec.template;
    expect(template.metadata.labels["azure.workload.identity/use"]).toBe("true");
    expect(template.metadata.annotations).toEqual({
      "prometheus.io/scrape": "true",
      "prometheus.io/port": "9464",
      "prometheus.io/path": "/metrics",
    });
    const pod = template.spec;
    expect(restrictedViolations(pod)).toEqual([]);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe("pipeline");
    const env = Object.fromEntries(
      pod.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]),
    );
    expect(env).toMatchObject({
      COSMOS_ENDPOINT: CONNECTION.cosmosEndpoint,
      STORAGE_BLOB_ENDPOINT: CONNECTION.blobEndpoint,
      PIPELINE_INFERENCE_HOST: "pipeline-inference.ai-platform.svc.cluster.local",
      PIPELINE_INFERENCE_PORT: "8080",
      PIPELINE_INTERVAL_SECONDS: "30",
      PIPELINE_METRICS_PORT: "9464",
    });
    expect(env.COSMOS_KEY).toBeUndefined();
  });

  it("egress only to the inference pods' port; ingress only to /metrics from kube-system and the namespace", () => {
    const policies = Object.fromEntries(
      ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").map((p) => [p.name, p.inputs.spec]),
    );
    const own = { "app.kubernetes.io/name": "pipeline", "app.kubernetes.io/instance": "pipeline" };
    expect(policies["pipeline-allow-inference"]).toEqual({
      podSelector: { matchLabels: own },
      policyTypes: ["Egress"],
      egress: [{ to: [{ podSelector: { matchLabels: INFERENCE } }], ports: [{ protocol: "TCP", port: 8080 }] }],
    });
    expect(policies["pipeline-allow-metrics"]).toEqual({
      podSelector: { matchLabels: own },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [
            { podSelector: {} },
            { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } },
          ],
          ports: [{ protocol: "TCP", port: 9464 }],
        },
      ],
    });
  });

  it("passes every rule of the policy pack at mandatory level", async () => {
    const result = await evaluate({
      resources: kubernetesObjects().map((r) => ({ type: r.type, name: r.name, inputs: r.inputs })),
      policies: rules,
      packName: "ai-platform",
      packVersion: "0.0.0",
      config: {
        all: "mandatory",
        "k8s-images-from-allowed-registries": {
          enforcementLevel: "mandatory",
          allowedRegistries: ["acrplatform.azurecr.io"],
        },
      },
    });
    expect(result.findings).toEqual([]);
  });

  it("refuses an empty inference selector, a bad interval and a name too long for its Service", () => {
    expect(() => planPipelinePod("pipeline", { ...args, inferencePodLabels: {} })).toThrow(
      "inferencePodLabels must select the inference pods",
    );
    expect(() => planPipelinePod("pipeline", { ...args, intervalSeconds: 0 })).toThrow(
      "intervalSeconds (0) must be a whole number ≥ 1",
    );
    expect(() => planPipelinePod("p".repeat(53), args)).toThrow("name");
  });
});
