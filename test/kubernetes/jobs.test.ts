import { beforeEach, describe, expect, it } from "vitest";
import { BatchScoringJob, TrainingJob, restrictedContainerSecurityContext } from "../../components/kubernetes";
import { installMocks, registered, settle, unwrap } from "../support/pulumi-mocks";
import { podSpecOf, validateAllUpstream } from "./schema";
import {
  CLIENT_ID,
  CONNECTION,
  TRAINING_IMAGE,
  countByType,
  kubernetesObjects,
  restrictedViolations,
  testProvider,
} from "./fixtures";

const GPU_TOL = { key: "sku", operator: "Equal", value: "gpu", effect: "NoSchedule" };
const SPOT_TOL = {
  key: "kubernetes.azure.com/scalesetpriority",
  operator: "Equal",
  value: "spot",
  effect: "NoSchedule",
};
const BASE_ENV = [
  { name: "COSMOS_ENDPOINT", value: CONNECTION.cosmosEndpoint },
  { name: "COSMOS_DATABASE", value: "ai-platform" },
  { name: "STORAGE_BLOB_ENDPOINT", value: CONNECTION.blobEndpoint },
];

describe("TrainingJob", () => {
  beforeEach(async () => {
    await installMocks();
  });

  it("CronJob on CPU: schedule, limits, restricted pod, identity, CLI args", async () => {
    const job = new TrainingJob(
      "retrain",
      {
        namespace: "ai",
        image: TRAINING_IMAGE,
        identityClientId: CLIENT_ID,
        connection: CONNECTION,
        args: ["train", "--dataset", "iris", "--model", "iris"],
      },
      { provider: testProvider() },
    );
    expect(await unwrap(job.cronJobName)).toBe("retrain");
    expect(await unwrap(job.serviceAccountSubject)).toBe("system:serviceaccount:ai:training");
    expect(job.initialJobName).toBeUndefined();
    await settle();
    const objects = kubernetesObjects();
    expect(countByType(objects)).toEqual({ "kubernetes:core/v1:ServiceAccount": 1, "kubernetes:batch/v1:CronJob": 1 });
    expect(validateAllUpstream(objects)).toBe(2);

    const [cron] = registered("kubernetes:batch/v1:CronJob");
    const { jobTemplate, ...cronSpec } = cron!.inputs.spec;
    expect(cronSpec).toEqual({
      schedule: "0 3 * * *",
      timeZone: "Etc/UTC",
      suspend: false,
      concurrencyPolicy: "Forbid",
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
    });
    expect([
      jobTemplate.spec.backoffLimit,
      jobTemplate.spec.activeDeadlineSeconds,
      jobTemplate.spec.ttlSecondsAfterFinished,
    ]).toEqual([2, 14400, 86400]);
    expect(jobTemplate.spec.template.metadata.labels["azure.workload.identity/use"]).toBe("true");
    const pod = podSpecOf(cron!);
    expect(pod.restartPolicy).toBe("Never");
    expect(restrictedViolations(pod)).toEqual([]);
    expect(pod.tolerations).toBeUndefined();
    expect(pod.serviceAccountName).toBe("training");
    expect(pod.volumes).toEqual([{ name: "scratch", emptyDir: { sizeLimit: "4Gi" } }]);
    const [c] = pod.containers;
    expect(c.args).toEqual(["train", "--dataset", "iris", "--model", "iris"]);
    expect(c.env).toEqual(BASE_ENV);
    expect(c.securityContext).toEqual(restrictedContainerSecurityContext());
    expect(c.resources).toEqual({ requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "2", memory: "4Gi" } });
  });

  it("GPU on spot with a run at deploy time: both jobs share one template", async () => {
    const job = new TrainingJob(
      "retrain",
      {
        namespace: "ai",
        image: TRAINING_IMAGE,
        identityClientId: CLIENT_ID,
        connection: CONNECTION,
        args: ["train", "--dataset", "iris", "--model", "iris"],
        gpu: { spot: true },
        runOnDeploy: true,
        schedule: "@weekly",
        backoffLimit: 4,
        activeDeadlineSeconds: 7200,
        ttlSecondsAfterFinished: 600,
      },
      { provider: testProvider() },
    );
    await settle();
    const objects = kubernetesObjects();
    expect(countByType(objects)).toEqual({
      "kubernetes:core/v1:ServiceAccount": 1,
      "kubernetes:batch/v1:CronJob": 1,
      "kubernetes:batch/v1:Job": 1,
    });
    expect(validateAllUpstream(objects)).toBe(3);
    const [cron] = registered("kubernetes:batch/v1:CronJob");
    const [initial] = registered("kubernetes:batch/v1:Job");
    // Same template; the run-on-deploy Job has no TTL (Pulumi owns it; a TTL deletion would rerun it on refresh).
    const { ttlSecondsAfterFinished, ...cronJobSpec } = cron!.inputs.spec.jobTemplate.spec;
    expect(ttlSecondsAfterFinished).toBe(600);
    expect(initial!.inputs.spec).toEqual(cronJobSpec);
    expect(initial!.inputs.metadata.name).toBeUndefined();
    expect(initial!.inputs.metadata.annotations).toEqual({ "pulumi.com/skipAwait": "true" });
    expect(job.initialJobName).toBeDefined();
    expect(cron!.inputs.spec.schedule).toBe("@weekly");
    const spec = initial!.inputs.spec;
    expect([spec.backoffLimit, spec.activeDeadlineSeconds, spec.ttlSecondsAfterFinished]).toEqual([4, 7200, undefined]);
    const pod = podSpecOf(initial!);
    expect(restrictedViolations(pod)).toEqual([]);
    expect(pod.tolerations).toEqual([GPU_TOL, SPOT_TOL]);
    expect(pod.nodeSelector).toEqual({ accelerator: "nvidia" });
    expect(pod.containers[0].resources.limits).toEqual({ cpu: "4", memory: "16Gi", "nvidia.com/gpu": "1" });
  });

  it("hyperparameter search split over an Indexed Job, run at deploy time", async () => {
    new TrainingJob(
      "search",
      {
        namespace: "ai",
        image: TRAINING_IMAGE,
        identityClientId: CLIENT_ID,
        connection: CONNECTION,
        runOnDeploy: true,
        suspend: true,
        args: [
          "train",
          "--dataset",
          "iris",
          "--model",
          "iris",
          "--search",
          "random",
          "--trials",
          "24",
          "--dataset-version",
          "v3",
        ],
        trialShards: { completions: 4, parallelism: 4 },
      },
      { provider: testProvider() },
    );
    await settle();
    expect(validateAllUpstream(kubernetesObjects())).toBe(3);
    const [initial] = registered("kubernetes:batch/v1:Job");
    const [cron] = registered("kubernetes:batch/v1:CronJob");
    expect(cron!.inputs.spec.suspend).toBe(true);
    for (const spec of [initial!.inputs.spec, cron!.inputs.spec.jobTemplate.spec]) {
      expect([spec.completionMode, spec.completions, spec.parallelism]).toEqual(["Indexed", 4, 4]);
      const [c] = spec.template.spec.containers;
      expect(c.args).toEqual([
        "train",
        "--dataset",
        "iris",
        "--model",
        "iris",
        "--search",
        "random",
        "--trials",
        "24",
        "--dataset-version",
        "v3",
        "--trial-shard-count",
        "4",
        "--trial-shard-index",
        "$(JOB_COMPLETION_INDEX)",
      ]);
      expect(c.env.at(-1)).toEqual({
        name: "JOB_COMPLETION_INDEX",
        valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } },
      });
    }
  });

  it.each([
    [
      ["train", "--dataset", "iris", "--model", "iris", "--dataset-version", "v1"],
      "trialShards needs --search in args",
    ],
    [["train", "--dataset", "iris", "--model", "iris", "--search=grid"], "trialShards needs --dataset-version in args"],
    [["score", "--model", "iris@1"], 'trialShards needs a train command in args, got "score"'],
  ])("a sharded search refuses args %j", (cli, message) => {
    expect(
      () =>
        new TrainingJob(
          "search",
          {
            namespace: "ai",
            image: TRAINING_IMAGE,
            identityClientId: CLIENT_ID,
            connection: CONNECTION,
            args: cli,
            trialShards: { completions: 2 },
          },
          { provider: testProvider() },
        ),
    ).toThrow(message);
  });

  it.each([
    [{ args: [] }, /^args must start with the training CLI command/],
    [{ schedule: "every day" }, /^schedule \("every day"\)/],
    [{ image: "acrplatform.azurecr.io/training:latest" }, /^image \(/],
    [{ activeDeadlineSeconds: 0 }, /^activeDeadlineSeconds \(0\)/],
    [{ runAsUser: 0 }, /^runAsUser \(0\)/],
  ])("rejects %j", (override, message) => {
    expect(
      () =>
        new TrainingJob(
          "retrain",
          {
            namespace: "ai",
            image: TRAINING_IMAGE,
            identityClientId: CLIENT_ID,
            connection: CONNECTION,
            args: ["train"],
            ...override,
          },
          { provider: testProvider() },
        ),
    ).toThrow(message);
  });
  it("rejects a name too long for a CronJob", () => {
    expect(
      () =>
        new TrainingJob(
          "r".repeat(53),
          {
            namespace: "ai",
            image: TRAINING_IMAGE,
            identityClientId: CLIENT_ID,
            connection: CONNECTION,
            args: ["train"],
          },
          { provider: testProvider() },
        ),
    ).toThrow(/^name \("r{53}"\) must be a DNS label.*at most 52 characters/);
  });
});

describe("BatchScoringJob", () => {
  beforeEach(async () => {
    await installMocks();
  });

  it("Indexed job: shards, completion index, score args, existing ServiceAccount", async () => {
    new BatchScoringJob(
      "score-iris",
      {
        namespace: "ai",
        image: TRAINING_IMAGE,
        serviceAccountName: "training",
        connection: CONNECTION,
        model: "iris@production",
        dataset: "iris",
        out: "iris-scores",
        shards: { completions: 4, parallelism: 2 },
      },
      { provider: testProvider() },
    );
    await settle();
    const objects = kubernetesObjects();
    expect(countByType(objects)).toEqual({ "kubernetes:batch/v1:Job": 1 });
    expect(validateAllUpstream(objects)).toBe(1);
    const [job] = registered("kubernetes:batch/v1:Job");
    expect(job!.inputs.metadata.annotations).toEqual({ "pulumi.com/skipAwait": "true" });
    const { template, ...spec } = job!.inputs.spec;
    expect(spec).toEqual({
      backoffLimit: 2,
      activeDeadlineSeconds: 7200,
      completionMode: "Indexed",
      completions: 4,
      parallelism: 2,
    });
    expect(template.metadata.labels).toEqual({
      "app.kubernetes.io/name": "training",
      "app.kubernetes.io/instance": "score-iris",
      "app.kubernetes.io/component": "batch-scoring",
      "app.kubernetes.io/part-of": "ai-platform",
      "app.kubernetes.io/managed-by": "pulumi",
      "azure.workload.identity/use": "true",
    });
    const pod = podSpecOf(job!);
    expect(restrictedViolations(pod)).toEqual([]);
    expect(pod.serviceAccountName).toBe("training");
    const [c] = pod.containers;
    expect(c.args).toEqual([
      "score",
      "--model",
      "iris@production",
      "--dataset",
      "iris",
      "--out",
      "iris-scores",
      "--shard-index",
      "$(JOB_COMPLETION_INDEX)",
      "--shard-count",
      "4",
    ]);
    expect(c.env).toEqual([
      ...BASE_ENV,
      {
        name: "JOB_COMPLETION_INDEX",
        valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } },
      },
    ]);
  });

  it("single pod with its own identity", async () => {
    const job = new BatchScoringJob(
      "score-once",
      {
        namespace: "ai",
        image: TRAINING_IMAGE,
        identityClientId: CLIENT_ID,
        connection: CONNECTION,
        model: "iris@3",
        dataset: "iris",
        out: "iris-scores",
        waitForCompletion: true,
      },
      { provider: testProvider() },
    );
    await settle();
    expect(countByType(kubernetesObjects())).toEqual({
      "kubernetes:core/v1:ServiceAccount": 1,
      "kubernetes:batch/v1:Job": 1,
    });
    expect(validateAllUpstream(kubernetesObjects())).toBe(2);
    const [sa] = registered("kubernetes:core/v1:ServiceAccount");
    expect(sa!.inputs.metadata.name).toBe("batch-scoring");
    const [j] = registered("kubernetes:batch/v1:Job");
    expect(j!.inputs.spec.completionMode).toBeUndefined();
    expect(j!.inputs.metadata.annotations).toEqual({ "pulumi.com/skipAwait": "false" });
    expect(podSpecOf(j!).containers[0].args).toEqual([
      "score",
      "--model",
      "iris@3",
      "--dataset",
      "iris",
      "--out",
      "iris-scores",
    ]);
    expect(job.jobName).toBeDefined();
  });

  it("needs an identity or an existing ServiceAccount", () => {
    expect(
      () =>
        new BatchScoringJob(
          "s",
          { namespace: "ai", image: TRAINING_IMAGE, connection: CONNECTION, model: "a@1", dataset: "d", out: "o" },
          { provider: testProvider() },
        ),
    ).toThrow(/^serviceAccountName is required when identityClientId is unset/);
    expect(
      () =>
        new BatchScoringJob(
          "s",
          {
            namespace: "ai",
            image: TRAINING_IMAGE,
            serviceAccountName: "training",
            connection: CONNECTION,
            model: "a@1",
            dataset: "d",
            out: "o",
            shards: { completions: 2, parallelism: 5 },
          },
          { provider: testProvider() },
        ),
    ).toThrow("indexed.parallelism (5) exceeds indexed.completions (2)");
  });
});
