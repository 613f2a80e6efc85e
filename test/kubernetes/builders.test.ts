import { describe, expect, it } from "vitest";
import {
  DEFAULT_GPU_NODE_SELECTOR,
  GPU_TOLERATION,
  SPOT_TOLERATION,
  assertCidrs,
  assertCommandArgs,
  assertDigestPinned,
  assertLabelValue,
  assertPinnedVersionOrDigest,
  assertSchedule,
  containerResources,
  defaultDenySpec,
  dnsEgressSpec,
  gpuScheduling,
  httpsEgressSpec,
  inferenceModelsEnv,
  ingressAllowSpec,
  jobSpec,
  keyVaultObjectsParameter,
  oipProbes,
  parseQuantity,
  platformEnv,
  podSecurityLabels,
  recommendedLabels,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  scoringArgs,
  selectorLabels,
  validateResources,
  workloadIdentitySubject,
  workloadPodSpec,
} from "../../components/kubernetes";
import { parse } from "yaml";

const DIGEST = "a".repeat(64);
const IMAGE = `acrplatform.azurecr.io/inference@sha256:${DIGEST}`;
const RES = { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } };

describe("labels", () => {
  it("builds the recommended labels, version only when given", () => {
    expect(recommendedLabels({ name: "inference", instance: "prod", component: "server" })).toEqual({
      "app.kubernetes.io/name": "inference",
      "app.kubernetes.io/instance": "prod",
      "app.kubernetes.io/component": "server",
      "app.kubernetes.io/part-of": "ai-platform",
      "app.kubernetes.io/managed-by": "pulumi",
    });
    expect(
      recommendedLabels({ name: "a", instance: "b", component: "c", version: "1.2.3" })["app.kubernetes.io/version"],
    ).toBe("1.2.3");
    expect(selectorLabels({ name: "inference", instance: "prod" })).toEqual({
      "app.kubernetes.io/name": "inference",
      "app.kubernetes.io/instance": "prod",
    });
  });
  it.each([
    ["ok", true],
    ["a.b_c-d", true],
    ["x".repeat(63), true],
    ["x".repeat(64), false],
    ["-a", false],
    ["a-", false],
    ["sha256:abc", false],
    ["", false],
  ])("label value %j valid=%s", (value, ok) => {
    if (ok) expect(assertLabelValue("f", value)).toBe(value);
    else expect(() => assertLabelValue("version", value)).toThrow(/^version \(/);
  });
});

describe("resources", () => {
  it.each([
    ["500m", 0.5],
    ["2", 2],
    ["1.5", 1.5],
    ["1Gi", 2 ** 30],
    ["512Mi", 512 * 2 ** 20],
    ["1G", 1e9],
    ["1e3", 1000],
    ["100k", 1e5],
  ])("parses %s", (text, value) => expect(parseQuantity("q", text)).toBeCloseTo(value, 9));
  it.each(["", "abc", "1GB", "-1", "1 Gi"])("rejects %j", (text) =>
    expect(() => parseQuantity("limits.cpu", text)).toThrow(/^limits\.cpu \(/),
  );
  it("rejects requests above limits and zero requests, naming the field", () => {
    expect(() =>
      validateResources("inference.resources", {
        requests: { cpu: "3", memory: "1Gi" },
        limits: { cpu: "2", memory: "2Gi" },
      }),
    ).toThrow("inference.resources.requests.cpu (3) exceeds inference.resources.limits.cpu (2)");
    expect(() =>
      validateResources("r", { requests: { cpu: "1", memory: "3Gi" }, limits: { cpu: "2", memory: "2048Mi" } }),
    ).toThrow("r.requests.memory (3Gi) exceeds r.limits.memory (2048Mi)");
    expect(() =>
      validateResources("r", { requests: { cpu: "0", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } }),
    ).toThrow("r.requests.cpu (0) must be greater than zero");
  });
  it("adds the GPU as a limit only", () => {
    expect(containerResources("r", RES)).toEqual({
      requests: { cpu: "500m", memory: "1Gi" },
      limits: { cpu: "2", memory: "2Gi" },
    });
    expect(containerResources("r", RES, 2)).toEqual({
      requests: { cpu: "500m", memory: "1Gi" },
      limits: { cpu: "2", memory: "2Gi", "nvidia.com/gpu": "2" },
    });
    expect(containerResources("r", RES, 1, "nvidia.com/mig-1g.10gb").limits).toEqual({
      cpu: "2",
      memory: "2Gi",
      "nvidia.com/mig-1g.10gb": "1",
    });
    expect(() => containerResources("r", RES, 1.5)).toThrow("r GPU count (1.5) must be a whole number ≥ 0");
  });
});

describe("pod-spec builders", () => {
  it("restricted security contexts", () => {
    expect(restrictedPodSecurityContext()).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(restrictedContainerSecurityContext(2000)).toEqual({
      runAsNonRoot: true,
      runAsUser: 2000,
      runAsGroup: 2000,
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
  });
  it("OIP probes on the health endpoints; the startup window covers startupSeconds", () => {
    const p = oipProbes(8080, 120);
    // Startup waits for liveness, not readiness: an empty registry must not crash-loop the container.
    expect(p.startupProbe).toEqual({
      httpGet: { path: "/v2/health/live", port: 8080, scheme: "HTTP" },
      periodSeconds: 5,
      failureThreshold: 24,
      timeoutSeconds: 2,
    });
    expect(p.readinessProbe).toMatchObject({ httpGet: { path: "/v2/health/ready", port: 8080 } });
    expect(p.livenessProbe).toMatchObject({ httpGet: { path: "/v2/health/live", port: 8080 } });
  });
  it.each([
    ["cpu", undefined, {}],
    ["gpu", {}, { tolerations: [GPU_TOLERATION], nodeSelector: DEFAULT_GPU_NODE_SELECTOR }],
    [
      "gpu+spot",
      { spot: true },
      { tolerations: [GPU_TOLERATION, SPOT_TOLERATION], nodeSelector: { accelerator: "nvidia" } },
    ],
    [
      "gpu custom pool",
      { nodeSelector: { pool: "gpu1" } },
      { tolerations: [GPU_TOLERATION], nodeSelector: { pool: "gpu1" } },
    ],
  ])("gpu scheduling: %s", (_label, gpu, expected) => expect(gpuScheduling(gpu)).toEqual(expected));
  it("the GPU and spot tolerations match the AKS taints exactly", () => {
    expect(GPU_TOLERATION).toEqual({ key: "sku", operator: "Equal", value: "gpu", effect: "NoSchedule" });
    expect(SPOT_TOLERATION).toEqual({
      key: "kubernetes.azure.com/scalesetpriority",
      operator: "Equal",
      value: "spot",
      effect: "NoSchedule",
    });
  });
  it("platform env: contract names, database defaulting to data-layout's", () => {
    expect(platformEnv({ cosmosEndpoint: "https://c/", blobEndpoint: "https://b/" })).toEqual([
      { name: "COSMOS_ENDPOINT", value: "https://c/" },
      { name: "COSMOS_DATABASE", value: "ai-platform" },
      { name: "STORAGE_BLOB_ENDPOINT", value: "https://b/" },
    ]);
    expect(
      platformEnv({
        cosmosEndpoint: "c",
        blobEndpoint: "b",
        cosmosDatabase: "db",
        applicationInsightsConnectionString: "IK=1",
      }).map((e) => [e.name, e.value]),
    ).toEqual([
      ["COSMOS_ENDPOINT", "c"],
      ["COSMOS_DATABASE", "db"],
      ["STORAGE_BLOB_ENDPOINT", "b"],
      ["APPLICATIONINSIGHTS_CONNECTION_STRING", "IK=1"],
    ]);
  });
  it.each([
    [IMAGE, true],
    [`myacr.azurecr.io/team/inference:1.2@sha256:${DIGEST}`, true],
    [`localhost:5000/inference@sha256:${DIGEST}`, true],
    ["acr.azurecr.io/inference:latest", false],
    ["acr.azurecr.io/inference:1.0.0", false],
    [`inference@sha256:${DIGEST}`, false],
    [`acr.azurecr.io/inference@sha256:${DIGEST.slice(1)}`, false],
    [`acr.azurecr.io/inference@sha256:${"A".repeat(64)}`, false],
  ])("digest pinning %s → %s", (image, ok) => {
    if (ok) expect(assertDigestPinned("image", image)).toBe(image);
    else expect(() => assertDigestPinned("image", image)).toThrow(/^image \(.*must be pinned by digest/);
  });
  it("workloadPodSpec: one restricted container, scratch emptyDir, no API token, GPU limit with toleration", () => {
    const spec = workloadPodSpec({
      containerName: "c",
      image: IMAGE,
      env: [],
      resources: RES,
      serviceAccountName: "sa",
      gpu: { count: 2 },
    });
    expect(spec).toMatchObject({
      serviceAccountName: "sa",
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      tolerations: [GPU_TOLERATION],
    });
    expect(spec.volumes).toEqual([{ name: "scratch", emptyDir: { sizeLimit: "1Gi" } }]);
    const [c] = spec.containers as any[];
    expect(c.volumeMounts).toEqual([{ name: "scratch", mountPath: "/tmp" }]);
    expect(c.resources.limits["nvidia.com/gpu"]).toBe("2");
    expect(c.securityContext).toEqual(restrictedContainerSecurityContext());
    expect(() =>
      workloadPodSpec({
        containerName: "c",
        image: IMAGE,
        env: [],
        resources: RES,
        serviceAccountName: "sa",
        runAsUser: 0,
      }),
    ).toThrow("runAsUser (0) must be a positive whole number: 0 is root");
    expect(() =>
      workloadPodSpec({
        containerName: "c",
        image: IMAGE,
        env: [],
        resources: RES,
        serviceAccountName: "sa",
        gpu: { count: 0 },
      }),
    ).toThrow("gpu.count (0) must be at least 1 for a GPU workload");
  });
});

describe("job-spec", () => {
  const pod = { containers: [{ name: "c", image: IMAGE }] };
  it("defaults and indexed completion", () => {
    expect(jobSpec({}, { deadlineSeconds: 100, ttlSeconds: 86400 }, { a: "b" }, pod)).toEqual({
      backoffLimit: 2,
      activeDeadlineSeconds: 100,
      ttlSecondsAfterFinished: 86400,
      template: {
        metadata: { labels: { a: "b", "azure.workload.identity/use": "true" } },
        spec: { ...pod, restartPolicy: "Never" },
      },
    });
    // No default TTL (Pulumi-managed Jobs) leaves the field out; an explicit one is kept.
    expect("ttlSecondsAfterFinished" in jobSpec({}, { deadlineSeconds: 100 }, {}, pod)).toBe(false);
    expect(jobSpec({ ttlSecondsAfterFinished: 60 }, { deadlineSeconds: 100 }, {}, pod).ttlSecondsAfterFinished).toBe(
      60,
    );
    expect(
      jobSpec({ backoffLimit: 0 }, { deadlineSeconds: 100 }, {}, pod, { completions: 4, parallelism: 2 }),
    ).toMatchObject({ backoffLimit: 0, completionMode: "Indexed", completions: 4, parallelism: 2 });
    expect(jobSpec({}, { deadlineSeconds: 100 }, {}, pod, { completions: 3 })).toMatchObject({
      completions: 3,
      parallelism: 3,
    });
  });
  it.each([
    [{ backoffLimit: -1 }, undefined, "backoffLimit (-1) must be a whole number ≥ 0"],
    [{ activeDeadlineSeconds: 0 }, undefined, "activeDeadlineSeconds (0) must be a whole number ≥ 1"],
    [{ ttlSecondsAfterFinished: 1.5 }, undefined, "ttlSecondsAfterFinished (1.5) must be a whole number ≥ 0"],
    [{}, { completions: 0 }, "indexed.completions (0) must be a whole number ≥ 1"],
    [{}, { completions: 2, parallelism: 3 }, "indexed.parallelism (3) exceeds indexed.completions (2)"],
  ])("rejects %j %j", (limits, indexed, message) =>
    expect(() => jobSpec(limits, { deadlineSeconds: 100 }, {}, pod, indexed)).toThrow(message),
  );
  it("command args must start with a command", () => {
    expect(assertCommandArgs("args", ["train", "--dataset", "iris"])).toEqual(["train", "--dataset", "iris"]);
    expect(() => assertCommandArgs("args", [])).toThrow(/^args must start with the training CLI command/);
    expect(() => assertCommandArgs("args", ["--dataset", "iris"])).toThrow(/^args must start/);
  });
  it.each([
    ["0 3 * * *", true],
    ["*/15 * * * *", true],
    ["@daily", true],
    ["0 3 * *", false],
    ["daily", false],
    ["0 3 * * * *", false],
  ])("schedule %j valid=%s", (s, ok) =>
    ok ? expect(assertSchedule(s)).toBe(s) : expect(() => assertSchedule(s)).toThrow(/^schedule \(/),
  );
});

describe("namespace network policies", () => {
  it("default deny both ways, DNS to CoreDNS only, HTTPS to the given CIDRs", () => {
    expect(defaultDenySpec()).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    expect(dnsEgressSpec().egress).toEqual([
      {
        to: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
            podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
          },
        ],
        ports: [
          { protocol: "UDP", port: 53 },
          { protocol: "TCP", port: 53 },
        ],
      },
    ]);
    expect(httpsEgressSpec(["10.0.0.0/16"]).egress).toEqual([
      { to: [{ ipBlock: { cidr: "10.0.0.0/16" } }], ports: [{ protocol: "TCP", port: 443 }] },
    ]);
  });
  it("ingress allow from own namespace, named namespaces and CIDRs on one port", () => {
    expect(
      ingressAllowSpec({ podLabels: { a: "b" }, port: 8080, fromNamespaces: ["clients"], fromCidrs: ["10.1.0.0/24"] }),
    ).toEqual({
      podSelector: { matchLabels: { a: "b" } },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [
            { podSelector: {} },
            { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "clients" } } },
            { ipBlock: { cidr: "10.1.0.0/24" } },
          ],
          ports: [{ protocol: "TCP", port: 8080 }],
        },
      ],
    });
  });
  it.each(["10.0.0.0", "10.0.0.0/33", "300.0.0.0/8", "fe80::/10", "any"])("rejects CIDR %j", (c) =>
    expect(() => assertCidrs("httpsEgressCidrs", ["10.0.0.0/8", c])).toThrow(
      `httpsEgressCidrs[1] (${JSON.stringify(c)}) is not an IPv4 CIDR`,
    ),
  );
  it("Pod Security labels: restricted for enforce, audit and warn", () => {
    expect(podSecurityLabels("v1.33")).toEqual({
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/enforce-version": "v1.33",
      "pod-security.kubernetes.io/audit": "restricted",
      "pod-security.kubernetes.io/audit-version": "v1.33",
      "pod-security.kubernetes.io/warn": "restricted",
      "pod-security.kubernetes.io/warn-version": "v1.33",
    });
  });
});

describe("workload-specific builders", () => {
  it("workload identity subject", () =>
    expect(workloadIdentitySubject("ai", "inference")).toBe("system:serviceaccount:ai:inference"));
  it("INFERENCE_MODELS", () => {
    expect(inferenceModelsEnv(["iris@production", "penguins@3"])).toBe("iris@production,penguins@3");
    expect(() => inferenceModelsEnv([])).toThrow("models must name at least one model as name@ref");
    expect(() => inferenceModelsEnv(["iris@production", "iris"])).toThrow('models[1] ("iris") must be name@ref');
    expect(() => inferenceModelsEnv(["iris@prod,x@1"])).toThrow(/^models\[0\]/);
  });
  it("score args, sharded", () => {
    expect(scoringArgs({ model: "iris@production", dataset: "iris", out: "iris-scores" })).toEqual([
      "score",
      "--model",
      "iris@production",
      "--dataset",
      "iris",
      "--out",
      "iris-scores",
    ]);
    expect(
      scoringArgs({
        model: "iris@2",
        dataset: "d",
        out: "o",
        extraArgs: ["--batch-size", "512"],
        shards: { completions: 3 },
      }),
    ).toEqual([
      "score",
      "--model",
      "iris@2",
      "--dataset",
      "d",
      "--out",
      "o",
      "--batch-size",
      "512",
      "--shard-index",
      "$(JOB_COMPLETION_INDEX)",
      "--shard-count",
      "3",
    ]);
    expect(() => scoringArgs({ model: "iris", dataset: "d", out: "o" })).toThrow('model ("iris") must be name@ref');
    expect(() => scoringArgs({ model: "iris@1", dataset: "d d", out: "o" })).toThrow(
      'dataset ("d d") is not a dataset name',
    );
    expect(() => scoringArgs({ model: "iris@1", dataset: "d", out: "scores.jsonl" })).toThrow(
      'out ("scores.jsonl") must be a dataset name',
    );
  });
  it("Key Vault objects parameter is the provider's YAML array of YAML strings", () => {
    const text = keyVaultObjectsParameter([
      { name: "inference-api-key" },
      { name: "tls", type: "cert", alias: "tls.pem", version: "abc" },
    ]);
    const doc = parse(text) as { array: string[] };
    expect(doc.array.map((s) => parse(s))).toEqual([
      { objectName: "inference-api-key", objectType: "secret", objectVersion: "" },
      { objectName: "tls", objectType: "cert", objectVersion: "abc", objectAlias: "tls.pem" },
    ]);
    expect(() => keyVaultObjectsParameter([])).toThrow("secrets.objects must name at least one Key Vault object");
    expect(() => keyVaultObjectsParameter([{ name: "a" }, { name: "b", alias: "a" }])).toThrow(
      'secrets.objects[1] mounts "a" twice',
    );
    expect(() => keyVaultObjectsParameter([{ name: "a_b" }])).toThrow(
      'secrets.objects[0].name ("a_b") is not a Key Vault object name',
    );
  });
  it.each([
    ["nvcr.io/nvidia/k8s-device-plugin:v0.18.0", true],
    [`acr.azurecr.io/nvidia/k8s-device-plugin@sha256:${DIGEST}`, true],
    ["nvcr.io/nvidia/k8s-device-plugin:latest", false],
    ["nvcr.io/nvidia/k8s-device-plugin:v0.18", false],
    ["nvcr.io/nvidia/k8s-device-plugin", false],
  ])("device plugin image %s pinned=%s", (image, ok) =>
    ok
      ? expect(assertPinnedVersionOrDigest("devicePluginImage", image)).toBe(image)
      : expect(() => assertPinnedVersionOrDigest("devicePluginImage", image)).toThrow(/^devicePluginImage \(/),
  );
});
