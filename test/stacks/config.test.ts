import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { environmentDefaults, sharedDefaults } from "../../stacks/config/defaults";
import { configKeys, type Environment } from "../../stacks/config/keys";
import { StackConfigError, resolvePlatformConfig } from "../../stacks/config/resolve";
import { loadProject, loadStackConfig } from "../../tools/plan/project";

const root = path.join(__dirname, "..", "..");
const acrTasks = { imageBuildMode: "acr-tasks", imageSourceUrl: "https://example.test/r.git#abc1234" };
const base = { environment: "dev", location: "westeurope", clusterAuthorizedIpRanges: '["198.51.100.7/32"]' };

function problems(raw: Record<string, string | undefined>): readonly string[] {
  try {
    resolvePlatformConfig(raw);
  } catch (error) {
    if (error instanceof StackConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a StackConfigError");
}

describe("resolvePlatformConfig", () => {
  it("applies the environment's defaults under explicit values and freezes the result", () => {
    const c = resolvePlatformConfig({ ...base, gpuMaxNodes: "3" });
    expect([c.gpuMinNodes, c.gpuMaxNodes, c.gpuSpot, c.clusterSkuTier, c.namePrefix]).toEqual([
      0,
      3,
      true,
      "Free",
      "aip",
    ]);
    expect(c.clusterAuthorizedIpRanges).toEqual(["198.51.100.7/32"]);
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.clusterAuthorizedIpRanges)).toBe(true);
  });

  it("keeps a configured 0 or false instead of the default", () => {
    const c = resolvePlatformConfig({
      ...base,
      environment: "prod",
      clusterAuthorizedIpRanges: undefined,
      gpuEnabled: "false",
      inferenceDevice: "cpu",
      resourceLocks: "false",
      inferenceMinReplicas: "1",
      imageSourceUrl: "https://example.test/r.git#abc1234",
      alertEmails: '["oncall@example.com"]',
    });
    expect([c.gpuEnabled, c.resourceLocks, c.inferenceMinReplicas]).toEqual([false, false, 1]);
  });

  it.each<[string, Record<string, string | undefined>, string[]]>([
    [
      "missing required keys",
      {},
      ["environment: required (set it in Pulumi.<stack>.yaml)", "location: required (set it in Pulumi.<stack>.yaml)"],
    ],
    [
      "every bad key at once",
      { ...base, gpuMinNodes: "x", gpuSpot: "yes", bogus: "1", gpuMigProfile: "MIG9g" },
      [
        'gpuMinNodes: expected an integer, got "x"',
        'gpuSpot: expected true or false, got "yes"',
        expect.stringMatching(/^bogus: unknown key \(known: environment, location, /) as unknown as string,
        'gpuMigProfile: Invalid option: expected one of "None"|"MIG1g"|"MIG2g"|"MIG3g"|"MIG4g"|"MIG7g"',
      ],
    ],
    [
      "an open /0 range, by index",
      { ...base, clusterAuthorizedIpRanges: '["10.0.0.0/8","0.0.0.0/0"]' },
      [
        "clusterAuthorizedIpRanges[1]: a /0 range opens the API server to the internet; list the deployer's egress ranges",
      ],
    ],
    [
      "an unknown environment",
      { ...base, environment: "qa" },
      ['environment: Invalid option: expected one of "dev"|"staging"|"prod"'],
    ],
  ])("reports %s", (_, raw, expected) => {
    expect(problems(raw)).toEqual(expected);
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ["min above max", { gpuMinNodes: "2", gpuMaxNodes: "1" }, /^gpuMinNodes \(2\) > gpuMaxNodes \(1\)$/],
    [
      "a public API server with no authorized ranges",
      { clusterAuthorizedIpRanges: "[]", ...acrTasks },
      /^clusterAuthorizedIpRanges: a public API server must be limited/,
    ],
    [
      "a private API server a deployer outside the VNet cannot reach",
      { clusterApiServerAccess: "private", clusterAuthorizedIpRanges: "[]", ...acrTasks },
      /^clusterApiServerAccess=private with deploymentRunner=outside-vnet and workloadsEnabled=true: .*deploymentRunner=inside-vnet.*clusterApiServerVnetIntegration=true/,
    ],
    [
      "a docker push the public registry's firewall would refuse",
      { clusterApiServerAccess: "private", clusterAuthorizedIpRanges: "[]", workloadsEnabled: "false" },
      /^imageBuildMode=docker from outside the VNet pushes through the registry firewall, which admits clusterAuthorizedIpRanges only/,
    ],
    [
      "a private registry a local docker build cannot push to",
      { registryPrivate: "true" },
      /^registryPrivate=true with imageBuildMode=docker and deploymentRunner=outside-vnet: .*Set imageBuildMode=acr-tasks/,
    ],
    [
      "ACR Tasks without a source",
      { imageBuildMode: "acr-tasks" },
      /^imageSourceUrl: imageBuildMode=acr-tasks builds from a context/,
    ],
    [
      "MIG on a T4",
      { gpuMigProfile: "MIG1g" },
      /^gpuMigProfile=MIG1g needs an A100, H100 or H200 VM size; gpuVmSize is Standard_NC4as_T4_v3$/,
    ],
    [
      "CUDA inference without GPUs",
      { inferenceDevice: "cuda", gpuEnabled: "false", gpuSpot: "false" },
      /^inferenceDevice=cuda needs the GPU pool/,
    ],
    [
      "CUDA inference on a spot GPU pool",
      { inferenceDevice: "cuda", gpuEnabled: "true", gpuSpot: "true", gpuMaxNodes: "4" },
      /^inferenceDevice=cuda with gpuSpot=true: serving does not tolerate spot eviction/,
    ],
    ["a malformed cron", { trainingSchedule: "daily" }, /^trainingSchedule: must be a five-field cron expression/],
    [
      "an ACR Tasks context on a branch, which never rebuilds",
      { ...acrTasks, imageSourceUrl: "https://example.test/r.git#main" },
      /^imageSourceUrl: pin the build context to a commit/,
    ],
    [
      "staging alerts that reach nobody",
      { environment: "staging", ...acrTasks },
      /^alertEmails: staging alerts must reach someone/,
    ],
    [
      "more CUDA replicas than GPUs for a surge rollout",
      {
        inferenceDevice: "cuda",
        gpuEnabled: "true",
        gpuSpot: "false",
        gpuVmSize: "Standard_NC24ads_A100_v4",
        gpuMaxNodes: "4",
        inferenceMaxReplicas: "4",
      },
      /^inferenceMaxReplicas \(4\) exceeds what gpuMaxNodes \(4\) × Standard_NC24ads_A100_v4 GPUs can run with one surge pod during a rollout \(3\)/,
    ],
  ])("rejects %s, naming the settings", (_, raw, expected) => {
    const found = problems({ ...base, ...raw });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(expected);
  });
});

describe("the project and stack files", () => {
  const project = parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as {
    config: Record<string, { type: string; description: string; default?: unknown }>;
  };

  it("Pulumi.yaml declares exactly the resolver's keys, with their types, descriptions and shared defaults", () => {
    expect(Object.keys(project.config)).toEqual(Object.keys(configKeys));
    for (const [key, spec] of Object.entries(configKeys)) {
      expect(project.config[key], key).toMatchObject({ type: spec.type, description: spec.description });
      expect(project.config[key]?.default, key).toEqual((sharedDefaults as Record<string, unknown>)[key]);
    }
  });

  it.each(["dev", "staging", "prod"])(
    "Pulumi.%s.yaml resolves, and every key has a value: from the stack file, its profile or Pulumi.yaml",
    (stack) => {
      const { config } = loadStackConfig(loadProject(root), stack);
      const own = Object.fromEntries(
        Object.entries(config).flatMap(([k, v]) =>
          k.startsWith("ai-platform:") ? [[k.slice("ai-platform:".length), v]] : [],
        ),
      );
      const c = resolvePlatformConfig(own);
      expect(c.environment).toBe(stack);
      const profile = environmentDefaults[stack as Environment];
      const undeclared = Object.keys(configKeys).filter(
        (k) => project.config[k]?.default === undefined && !(k in own) && !(k in profile),
      );
      // clusterAuthorizedIpRanges is the one key a private cluster leaves unset.
      expect(undeclared).toEqual(stack === "prod" ? ["clusterAuthorizedIpRanges"] : []);
    },
  );

  it("the stacks differ where real environments differ", () => {
    const resolved = Object.fromEntries(
      ["dev", "staging", "prod"].map((s) => {
        const { config } = loadStackConfig(loadProject(root), s);
        return [
          s,
          resolvePlatformConfig(
            Object.fromEntries(
              Object.entries(config)
                .filter(([k]) => k.startsWith("ai-platform:"))
                .map(([k, v]) => [k.slice(12), v]),
            ),
          ),
        ];
      }),
    );
    expect(resolved.dev).toMatchObject({
      gpuMinNodes: 0,
      gpuSpot: true,
      clusterApiServerAccess: "public",
      registryPrivate: false,
      zoneRedundant: false,
      resourceLocks: false,
    });
    expect(resolved.dev?.clusterAuthorizedIpRanges.length).toBeGreaterThan(0);
    expect(resolved.prod).toMatchObject({
      gpuMinNodes: 0,
      clusterApiServerAccess: "private",
      registryPrivate: true,
      zoneRedundant: true,
      resourceLocks: true,
      logRetentionDays: 365,
      deploymentRunner: "inside-vnet",
    });
    expect(resolved.prod!.logRetentionDays).toBeGreaterThan(resolved.dev!.logRetentionDays);
  });
});
