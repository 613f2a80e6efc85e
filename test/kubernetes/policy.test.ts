// Runs the platform's own policy pack (policies/rules through the offline engine of tools/check) over
// every object the Kubernetes components create, in all their variants.
import { beforeAll, describe, expect, it } from "vitest";
import {
  BatchScoringJob,
  GPU_DEVICE_PLUGIN_POLICY_EXEMPTION,
  GpuEnablement,
  InferenceService,
  PlatformNamespace,
  TrainingJob,
} from "../../components/kubernetes";
import { rules } from "../../policies/rules";
import { evaluate } from "../../tools/check/engine";
import type { CheckResource } from "../../tools/check/types";
import { installMocks, settle } from "../support/pulumi-mocks";
import { validateAllUpstream } from "./schema";
import {
  CLIENT_ID,
  CONNECTION,
  INFERENCE_IMAGE,
  TENANT_ID,
  TRAINING_IMAGE,
  kubernetesObjects,
  testProvider,
} from "./fixtures";

const EXEMPTIBLE_FOR_DEVICE_PLUGIN = [
  "k8s-run-as-non-root",
  "k8s-no-host-access",
  "k8s-probes",
  "k8s-images-from-allowed-registries",
];
const exemption = {
  pattern: GPU_DEVICE_PLUGIN_POLICY_EXEMPTION,
  reason: "NVIDIA device plugin: root + hostPath to the kubelet socket dir by design",
};

let resources: CheckResource[] = [];

beforeAll(async () => {
  await installMocks();
  const provider = testProvider();
  const ns = new PlatformNamespace("ai", {}, { provider });
  const namespace = ns.namespaceName;
  new GpuEnablement("gpu", { driver: "Install" }, { provider });
  new GpuEnablement("gpu-op", { driver: "None", namespaceName: "gpu-operator" }, { provider });
  const common = { namespace, identityClientId: CLIENT_ID, connection: CONNECTION };
  new InferenceService("inference", { ...common, image: INFERENCE_IMAGE, models: ["iris@production"] }, { provider });
  new InferenceService(
    "inference-gpu",
    {
      ...common,
      image: INFERENCE_IMAGE,
      models: ["iris@production"],
      gpu: {},
      serviceType: "InternalLoadBalancer",
      serviceAccountName: "inference-gpu",
      tenantId: TENANT_ID,
      secrets: { keyVaultName: "kv", apiKeySecret: "api-key" },
    },
    { provider },
  );
  new TrainingJob(
    "training",
    {
      ...common,
      image: TRAINING_IMAGE,
      args: ["train", "--dataset", "iris", "--model", "iris"],
      gpu: { spot: true },
      runOnDeploy: true,
    },
    { provider },
  );
  new BatchScoringJob(
    "scoring",
    {
      ...common,
      identityClientId: undefined,
      serviceAccountName: "training",
      image: TRAINING_IMAGE,
      model: "iris@production",
      dataset: "iris",
      out: "scores",
      shards: { completions: 3 },
    },
    { provider },
  );
  await settle();
  resources = kubernetesObjects().map((r) => ({ type: r.type, name: r.name, inputs: r.inputs }));
});

async function run(withExemptions: boolean) {
  const perRule = (name: string) => ({
    enforcementLevel: "mandatory" as const,
    ...(name === "k8s-images-from-allowed-registries" ? { allowedRegistries: ["acrplatform.azurecr.io"] } : {}),
    ...(withExemptions ? { exemptions: [exemption] } : {}),
  });
  return evaluate({
    resources,
    policies: rules,
    packName: "ai-platform",
    packVersion: "0.0.0",
    config: { all: "mandatory", ...Object.fromEntries(EXEMPTIBLE_FOR_DEVICE_PLUGIN.map((n) => [n, perRule(n)])) },
  });
}

describe("the policy pack over the Kubernetes components", () => {
  it("covers every kind the components create", () => {
    expect([...new Set(resources.map((r) => r.type))].sort()).toEqual([
      "kubernetes:apps/v1:DaemonSet",
      "kubernetes:apps/v1:Deployment",
      "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
      "kubernetes:batch/v1:CronJob",
      "kubernetes:batch/v1:Job",
      "kubernetes:core/v1:Namespace",
      "kubernetes:core/v1:Service",
      "kubernetes:core/v1:ServiceAccount",
      "kubernetes:helm.sh/v3:Release",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      "kubernetes:policy/v1:PodDisruptionBudget",
      "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass",
    ]);
  });

  it("every object of every variant is valid against the upstream schemas (the Helm release excepted)", () => {
    const all = kubernetesObjects();
    expect(validateAllUpstream(all)).toBe(all.length - 1);
    expect(all.filter((r) => r.type === "kubernetes:helm.sh/v3:Release")).toHaveLength(1);
  });

  it("passes every rule at mandatory level; only the device plugin is exempted, and only from the four exemptible rules", async () => {
    const result = await run(true);
    expect(result.findings.filter((f) => f.kind !== "exempt")).toEqual([]);
    expect(result.mandatory).toBe(0);
    expect(result.findings.map((f) => [f.policy, f.resource]).sort()).toEqual(
      EXEMPTIBLE_FOR_DEVICE_PLUGIN.map((p) => [p, "gpu-nvidia-device-plugin"]).sort(),
    );
  });

  it("without the exemptions, exactly the device plugin breaks exactly those rules (the pack did evaluate it)", async () => {
    const result = await run(false);
    const violations = result.findings.filter((f) => f.kind === "violation");
    expect(violations.every((f) => f.resource === "gpu-nvidia-device-plugin")).toBe(true);
    expect([...new Set(violations.map((f) => f.policy))].sort()).toEqual([...EXEMPTIBLE_FOR_DEVICE_PLUGIN].sort());
  });

  it.each([
    [
      "kubernetes:apps/v1:Deployment",
      (i: any) => {
        i.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation = true;
      },
      "k8s-no-privilege-escalation",
    ],
    [
      "kubernetes:batch/v1:CronJob",
      (i: any) => {
        i.spec.jobTemplate.spec.template.spec.tolerations = [];
      },
      "k8s-gpu-request-requires-toleration",
    ],
    [
      "kubernetes:batch/v1:Job",
      (i: any) => {
        i.spec.template.spec.containers[0].image = "docker.io/library/python:latest";
      },
      "k8s-image-no-latest",
    ],
    [
      "kubernetes:core/v1:Service",
      (i: any) => {
        delete i.metadata.annotations;
      },
      "k8s-service-not-public",
    ],
  ])("the pack sees %s: weakening it is reported by %s", async (type, weaken, policy) => {
    const saved = resources;
    const target = resources.find(
      (r) =>
        r.type === type &&
        (type !== "kubernetes:core/v1:Service" || (r.inputs.spec && (r.inputs.spec as any).type === "LoadBalancer")),
    )!;
    const copy = structuredClone(target);
    weaken(copy.inputs);
    resources = resources.map((r) => (r === target ? copy : r));
    try {
      const result = await run(true);
      expect(result.findings.filter((f) => f.kind === "violation").map((f) => [f.policy, f.resource])).toContainEqual([
        policy,
        target.name,
      ]);
    } finally {
      resources = saved;
    }
  });
});
