import { beforeEach, describe, expect, it } from "vitest";
import { ACR_REFRESH_TOKEN_USER, acrTokenExchange } from "../../components/acr-token";
import { ContainerImage } from "../../components/container-image";
import * as fs from "node:fs";
import * as path from "node:path";
import { PlatformImages, serviceDockerfiles, type PlatformImagesArgs } from "../../components/images";
import { extraState } from "../../tools/plan/mock-outputs";
import { installMocksWith, MOCK_ACCESS_TOKEN, MOCK_TENANT_ID, registered, unwrap } from "../support/pulumi-mocks";

const registry = { name: "aipacr", resourceGroupName: "rg-aip", loginServer: "aipacr.azurecr.io" };

describe("acrTokenExchange", () => {
  it("posts the Entra token as a form and returns the refresh token", async () => {
    const seen: { url: string; init?: RequestInit }[] = [];
    const fake = (async (url: string, init?: RequestInit) => {
      seen.push({ url, ...(init === undefined ? {} : { init }) });
      return new Response(JSON.stringify({ refresh_token: "acr-refresh" }), { status: 200 });
    }) as unknown as typeof fetch;
    await expect(
      acrTokenExchange(fake)({ loginServer: "aipacr.azurecr.io", tenantId: "t1", accessToken: "entra" }),
    ).resolves.toBe("acr-refresh");
    expect(seen).toHaveLength(1);
    expect(seen[0]?.url).toBe("https://aipacr.azurecr.io/oauth2/exchange");
    expect(Object.fromEntries(new URLSearchParams(String(seen[0]?.init?.body)))).toEqual({
      grant_type: "access_token",
      service: "aipacr.azurecr.io",
      tenant: "t1",
      access_token: "entra",
    });
  });

  it("names the registry and the status when the exchange is refused", async () => {
    const fake = (async () => new Response("unauthorized", { status: 401 })) as unknown as typeof fetch;
    await expect(
      acrTokenExchange(fake)({ loginServer: "x.azurecr.io", tenantId: "t", accessToken: "a" }),
    ).rejects.toThrow("ACR token exchange at https://x.azurecr.io/oauth2/exchange failed: HTTP 401 unauthorized");
  });
});

describe("ContainerImage", () => {
  beforeEach(async () => {
    await installMocksWith({}, extraState);
  });

  it("docker mode pushes with an exchanged refresh token, never the admin user, and outputs the digest ref", async () => {
    const exchanged: unknown[] = [];
    const image = new ContainerImage("inf", {
      mode: "docker",
      registry,
      repository: "inference",
      tag: "abc123",
      dockerfile: "services/inference/Dockerfile",
      contextPath: "/repo",
      tenantId: MOCK_TENANT_ID,
      tokenExchange: async (a) => {
        exchanged.push(a);
        return "acr-refresh";
      },
    });
    const ref = await unwrap(image.ref);
    expect(ref).toMatch(/^aipacr\.azurecr\.io\/inference@sha256:[0-9a-f]{64}$/);
    const [build] = registered("docker-build:index:Image");
    expect(build?.inputs).toMatchObject({
      tags: ["aipacr.azurecr.io/inference:abc123"],
      push: true,
      platforms: ["linux/amd64"],
      context: { location: "/repo" },
      dockerfile: { location: "/repo/services/inference/Dockerfile" },
    });
    // The credentials travel as a Pulumi secret (special signature key → secret signature).
    expect(build?.inputs.registries).toEqual({
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      value: [{ address: "aipacr.azurecr.io", username: ACR_REFRESH_TOKEN_USER, password: "acr-refresh" }],
    });
    expect(exchanged).toEqual([
      { loginServer: "aipacr.azurecr.io", tenantId: MOCK_TENANT_ID, accessToken: MOCK_ACCESS_TOKEN },
    ]);
    expect(registered("azure-native:containerregistry:TaskRun")).toHaveLength(0);
  });

  it("acr-tasks mode builds in Azure from the source URL and outputs the digest the run pushed", async () => {
    const image = new ContainerImage("trn", {
      mode: "acr-tasks",
      registry,
      repository: "training",
      tag: "abc123",
      dockerfile: "services/training/Dockerfile",
      sourceUrl: "https://github.com/org/ai-platform.git#abc123",
      agentPoolName: "builders",
    });
    expect(await unwrap(image.ref)).toMatch(/^aipacr\.azurecr\.io\/training@sha256:[0-9a-f]{64}$/);
    const [run] = registered("azure-native:containerregistry:TaskRun");
    expect(run?.inputs.runRequest).toEqual({
      type: "DockerBuildRequest",
      sourceLocation: "https://github.com/org/ai-platform.git#abc123",
      dockerFilePath: "services/training/Dockerfile",
      imageNames: ["training:abc123"],
      isPushEnabled: true,
      platform: { os: "Linux", architecture: "amd64" },
      agentPoolName: "builders",
      arguments: [],
      timeout: 3600,
    });
    expect(registered("docker-build:index:Image")).toHaveLength(0);
  });

  it.each([
    [
      "acr-tasks without a source",
      { mode: "acr-tasks" as const },
      'ContainerImage x: sourceUrl is required with mode "acr-tasks"',
    ],
    [
      "docker without a context",
      { mode: "docker" as const, tenantId: "t" },
      'ContainerImage x: contextPath is required with mode "docker"',
    ],
    [
      "a bad repository",
      { mode: "docker" as const, repository: "Bad Repo" },
      'ContainerImage x: repository "Bad Repo" is not a valid repository name',
    ],
  ])("rejects %s", (_, extra, message) => {
    expect(() => new ContainerImage("x", { registry, repository: "ok", tag: "t", dockerfile: "D", ...extra })).toThrow(
      message,
    );
  });
});

describe("PlatformImages", () => {
  it("builds the services' own Dockerfiles (paths relative to the repository root, the build context)", () => {
    const root = path.join(__dirname, "..", "..");
    expect(Object.values(serviceDockerfiles).filter((f) => !fs.existsSync(path.join(root, f)))).toEqual([]);
  });

  beforeEach(async () => {
    await installMocksWith({}, extraState);
  });

  it("builds CUDA inference and training on an agent pool injected into the given subnet", async () => {
    const images = new PlatformImages("img", {
      mode: "acr-tasks",
      registry,
      tag: "t1",
      inferenceDevice: "cuda",
      sourceUrl: "https://example.test/r.git#t1",
      agentPool: {
        subnetId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/agents",
        location: "westeurope",
      },
    });
    const [inference, training] = await Promise.all([unwrap(images.inferenceImage), unwrap(images.trainingImage)]);
    expect(inference).toMatch(/^aipacr\.azurecr\.io\/inference-cuda@sha256:/);
    expect(training).toMatch(/^aipacr\.azurecr\.io\/training@sha256:/);
    const [pool] = registered("azure-native:containerregistry:AgentPool");
    expect(pool?.inputs).toMatchObject({
      tier: "S1",
      os: "Linux",
      virtualNetworkSubnetResourceId:
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/agents",
    });
    const runs = registered("azure-native:containerregistry:TaskRun").map((r) => [
      r.inputs.runRequest.dockerFilePath,
      r.inputs.runRequest.agentPoolName,
    ]);
    expect(runs).toEqual([
      ["services/inference/Dockerfile.cuda", "builders"],
      ["services/training/Dockerfile", "builders"],
    ]);
  });

  it("cannot take a field of the other build mode: the types refuse it (checked by tsc in npm test)", () => {
    const docker: PlatformImagesArgs = {
      mode: "docker",
      registry,
      tag: "t",
      contextPath: "/repo",
      tenantId: "tenant",
      // @ts-expect-error an agent pool belongs to ACR Tasks builds
      agentPool: { subnetId: "s", location: "l" },
    };
    const tasks: PlatformImagesArgs = {
      mode: "acr-tasks",
      registry,
      tag: "t",
      sourceUrl: "https://x/r.git#1",
      // @ts-expect-error ACR Tasks builds from a git context, not a local path
      contextPath: "/repo",
    };
    // @ts-expect-error docker builds need the deployer's tenant for the token exchange
    const noTenant: PlatformImagesArgs = { mode: "docker", registry, tag: "t", contextPath: "/repo" };
    expect([docker.mode, tasks.mode, noTenant.mode]).toEqual(["docker", "acr-tasks", "docker"]);
  });
});
