/**
 * One table of good and bad values, fed through every layer that checks it: the stack config, the components and
 * the services. Each layer must give the same verdict, because each one uses the rule of `@ai-platform/contracts`.
 */
import { connectionFromEnv } from "@ai-platform/registry";
import { loadConfig } from "@ai-platform/inference";
import { beforeAll, describe, expect, it } from "vitest";
import { TrainingJob, planInferencePod, scoringArgs } from "../../components/kubernetes";
import { StackConfigError, resolvePlatformConfig } from "../../stacks/config/resolve";
import { installMocks } from "../support/pulumi-mocks";
import {
  CLIENT_ID,
  CONNECTION,
  INFERENCE_IMAGE,
  TENANT_ID,
  TRAINING_IMAGE,
  testProvider,
} from "../kubernetes/fixtures";

const stackBase = { environment: "dev", location: "westeurope", clusterAuthorizedIpRanges: '["198.51.100.7/32"]' };

/** The stack problems that name `key`; [] when the stack config accepts the value. */
function stackProblems(key: string, raw: Record<string, string>): string[] {
  try {
    resolvePlatformConfig({ ...stackBase, ...raw });
    return [];
  } catch (error) {
    if (!(error instanceof StackConfigError)) throw error;
    return error.problems.filter((p) => p.startsWith(key));
  }
}

function accepts(run: () => unknown): boolean {
  try {
    run();
    return true;
  } catch {
    return false;
  }
}

const modelRefs: [string, boolean][] = [
  ["iris@production", true],
  ["iris@3", true],
  ["iris@latest", true],
  ["iris.v2@prod", true],
  ["Iris_2@candidate", true],
  ["a@1", true],
  ["iris@", false],
  ["@production", false],
  ["iris@prod@x", false],
  ["iris@Production", false],
  ["iris@v1.2", false],
  ["iris@0", false],
  ["iris@07", false],
  ["bad name@production", false],
  ["-iris@production", false],
  ["iris@prod uction", false],
];

describe("the model reference name@ref", () => {
  it.each(modelRefs)("%s: the same verdict in the stack, the components and the inference service", (ref, good) => {
    const verdicts = {
      stack: stackProblems("inferenceModels", { inferenceModels: JSON.stringify([ref]) }).length === 0,
      inferenceService: accepts(() =>
        planInferencePod("inference", {
          namespace: "ai",
          image: INFERENCE_IMAGE,
          identityClientId: CLIENT_ID,
          connection: CONNECTION,
          models: [ref],
        }),
      ),
      batchScoringJob: accepts(() => scoringArgs({ model: ref, dataset: "iris", out: "scores" })),
      serviceConfig: accepts(() => loadConfig({ INFERENCE_MODELS: ref })),
    };
    expect(verdicts).toEqual({ stack: good, inferenceService: good, batchScoringJob: good, serviceConfig: good });
  });

  it.each([
    ["*@production", true],
    ["*@canary-2", true],
    ["*@Prod", false],
    ["*@3", false],
    ["*@", false],
  ] as const)("the served-models list takes %s the same way in every layer that serves", (entry, good) => {
    const verdicts = {
      stack: stackProblems("inferenceModels", { inferenceModels: JSON.stringify([entry]) }).length === 0,
      inferenceService: accepts(() =>
        planInferencePod("inference", {
          namespace: "ai",
          image: INFERENCE_IMAGE,
          identityClientId: CLIENT_ID,
          connection: CONNECTION,
          models: [entry],
        }),
      ),
      serviceConfig: accepts(() => loadConfig({ INFERENCE_MODELS: entry })),
    };
    expect(verdicts).toEqual({ stack: good, inferenceService: good, serviceConfig: good });
    // Batch scoring scores one model: a wildcard is never a model reference.
    expect(accepts(() => scoringArgs({ model: entry, dataset: "iris", out: "scores" }))).toBe(false);
  });

  it("the service alone expands a bare name to name@production, then applies the same rule", () => {
    const config = loadConfig({ INFERENCE_MODELS: "iris" });
    expect(config.source).toMatchObject({ kind: "registry", models: [{ name: "iris", ref: "production" }] });
    expect(stackProblems("inferenceModels", { inferenceModels: '["iris"]' })).toHaveLength(1);
  });
});

const schedules: [string, boolean][] = [
  ["0 3 * * *", true],
  ["*/15 * * * *", true],
  ["0 0 1 1 MON", true],
  ["@daily", true],
  ["@hourly", true],
  ["daily", false],
  ["0 3 * * ", false],
  ["0 3 * * * *", false],
  ["@every 5m", false],
  ["@fortnightly", false],
  ["0 3 * * $", false],
];

describe("the training schedule", () => {
  beforeAll(async () => {
    await installMocks();
  });

  it.each(schedules)("%j: the same verdict in the stack and the TrainingJob component", (schedule, good) => {
    const verdicts = {
      stack: stackProblems("trainingSchedule", { trainingSchedule: schedule }).length === 0,
      trainingJob: accepts(
        () =>
          new TrainingJob(
            "retrain",
            {
              namespace: "ai",
              image: TRAINING_IMAGE,
              identityClientId: CLIENT_ID,
              connection: CONNECTION,
              args: ["train", "--dataset", "iris", "--model", "iris"],
              schedule,
            },
            { provider: testProvider() },
          ),
      ),
    };
    expect(verdicts).toEqual({ stack: good, trainingJob: good });
  });

  it("an empty stack value means the default schedule; the component refuses an empty one", () => {
    expect(
      () =>
        new TrainingJob(
          "empty",
          {
            namespace: "ai",
            image: TRAINING_IMAGE,
            identityClientId: CLIENT_ID,
            connection: CONNECTION,
            args: ["train", "--dataset", "iris"],
            schedule: "",
          },
          { provider: testProvider() },
        ),
    ).toThrow(/^schedule \(""\) must be a five-field cron expression/);
    expect(stackProblems("trainingSchedule", { trainingSchedule: "" })).toEqual([]);
  });
});

describe("the service environment", () => {
  it("what the InferenceService pod sets is what the inference service and the registry read", () => {
    const plan = planInferencePod("inference", {
      namespace: "ai",
      image: INFERENCE_IMAGE,
      identityClientId: CLIENT_ID,
      connection: CONNECTION,
      models: ["iris@production", "penguins@3"],
      tenantId: TENANT_ID,
      jwtAudience: "api://inference",
      rateLimitPerSecond: 50,
      pollIntervalMs: 2000,
    });
    const containers = plan.podSpec.containers as { name: string; env?: unknown[] }[];
    const container = containers.find((c) => c.name === "inference");
    const env: Record<string, string> = {};
    for (const v of (container?.env ?? []) as { name: string; value?: string; valueFrom?: unknown }[]) {
      // The CPU limit comes from the downward API at run time; a 2-core limit stands in for it.
      env[v.name] = v.value ?? (v.valueFrom === undefined ? "" : "2");
    }
    const config = loadConfig(env);
    expect({
      host: config.host,
      port: config.port,
      models: config.source.kind === "registry" ? config.source.models : [],
      device: config.device,
      cpuLimit: config.cpuLimit,
      pollIntervalMs: config.pollIntervalMs,
      jwt: config.jwt,
      rateLimitPerSecond: config.rateLimitPerSecond,
    }).toEqual({
      host: "0.0.0.0",
      port: 8080,
      models: [
        { name: "iris", ref: "production" },
        { name: "penguins", ref: "3" },
      ],
      device: "cpu",
      cpuLimit: 2,
      pollIntervalMs: 2000,
      jwt: { tenantId: TENANT_ID, audience: "api://inference" },
      rateLimitPerSecond: 50,
    });
    expect(connectionFromEnv(env)).toEqual({
      cosmos: { endpoint: CONNECTION.cosmosEndpoint, database: "ai-platform" },
      storage: { blobEndpoint: CONNECTION.blobEndpoint },
    });
  });
});
