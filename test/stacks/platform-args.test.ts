import { describe, expect, it } from "vitest";
import { validatePlatformArgs, type AiPlatformArgs } from "../../components/platform";
import { resolvePlatformConfig } from "../../stacks/config/resolve";
import { platformArgs } from "../../stacks/platform-args";

const base: AiPlatformArgs = { location: "westeurope", cluster: { apiServer: { mode: "private" } } };

describe("validatePlatformArgs", () => {
  it.each<[string, Partial<AiPlatformArgs>, string]>([
    [
      "a public API server without ranges",
      { cluster: { apiServer: { mode: "public" } } },
      "AiPlatform p: cluster.apiServer.authorizedIpRanges: required with mode public",
    ],
    [
      "an open range",
      { cluster: { apiServer: { mode: "public", authorizedIpRanges: ["0.0.0.0/0"] } } },
      "AiPlatform p: cluster.apiServer.authorizedIpRanges: a /0 range opens the API server to the internet",
    ],
    [
      "workloads without images",
      { workloads: { inferenceDevice: "cpu", inferenceModels: ["m@1"], inferenceReplicas: { min: 1, max: 1 } } },
      "AiPlatform p: workloads: needs images (the workloads deploy the images this platform builds)",
    ],
    [
      "an inverted GPU range",
      { gpu: { vmSize: "Standard_NC4as_T4_v3", minNodes: 2, maxNodes: 1 } },
      "AiPlatform p: gpu.minNodes (2) > gpu.maxNodes (1)",
    ],
  ])("rejects %s", (_, extra, message) => {
    expect(() => validatePlatformArgs("p", { ...base, ...extra })).toThrow(message);
  });

  it("accepts the minimal private platform", () => {
    expect(() => validatePlatformArgs("p", base)).not.toThrow();
  });
});

describe("platformArgs", () => {
  it("maps a resolved dev config onto the component's surface", () => {
    const c = resolvePlatformConfig({
      environment: "dev",
      location: "westeurope",
      clusterAuthorizedIpRanges: '["198.51.100.7/32"]',
    });
    const args = platformArgs(c, { repositoryRoot: "/repo", project: "ai-platform" });
    expect(args).toMatchObject({
      location: "westeurope",
      resourceGroupName: "rg-aip-dev",
      zoneRedundant: false,
      resourceLocks: false,
      registryPrivate: false,
      tags: { project: "ai-platform", environment: "dev", "managed-by": "pulumi" },
      cluster: {
        apiServer: { mode: "public", authorizedIpRanges: ["198.51.100.7/32"], vnetIntegration: false },
        skuTier: "Free",
        systemNodes: { min: 1, max: 2 },
      },
      images: { mode: "docker", tag: "latest", contextPath: "/repo" },
      deployerPrincipalType: "auto",
      cosmosZoneRedundant: false,
      workloads: {
        inferenceDevice: "cpu",
        inferenceModels: ["iris@production"],
        inferenceReplicas: { min: 1, max: 2 },
        demoBootstrap: true,
      },
    });
    // Nothing in dev schedules on a GPU: no pool.
    expect(args).not.toHaveProperty("gpu");
    expect(args.workloads).not.toHaveProperty("trainingSchedule");
  });

  it("omits the GPU pool and workloads when the stack turns them off", () => {
    const c = resolvePlatformConfig({
      environment: "dev",
      location: "westeurope",
      clusterAuthorizedIpRanges: '["198.51.100.7/32"]',
      gpuEnabled: "false",
      workloadsEnabled: "false",
    });
    const args = platformArgs(c, { repositoryRoot: "/repo", project: "ai-platform" });
    expect(args).not.toHaveProperty("gpu");
    expect(args).not.toHaveProperty("workloads");
  });
});
