/**
 * The platform's service images: the inference server (CPU or CUDA build) and the training job,
 * built and pushed to the platform registry during `pulumi up` and exposed by digest.
 * With ACR Tasks and a private registry it also creates the build agent pool inside the VNet.
 */
import * as pulumi from "@pulumi/pulumi";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import type { AcrTokenExchange } from "./acr-token";
import { ContainerImage, type ImageBuildMode } from "./container-image";

/** Dockerfiles of the service images, relative to the repository root (the build context). */
export const serviceDockerfiles = {
  inferenceCpu: "services/inference/Dockerfile",
  inferenceCuda: "services/inference/Dockerfile.cuda",
  training: "services/training/Dockerfile",
  console: "console/Dockerfile",
  pipeline: "services/pipeline/Dockerfile",
} as const;

/** Name of the VNet-injected ACR Tasks agent pool (3-20 alphanumerics). */
export const BUILD_AGENT_POOL = "builders";

/** What both build modes take. */
interface PlatformImagesCommonArgs {
  /** The platform registry. Required. */
  registry: { name: pulumi.Input<string>; resourceGroupName: pulumi.Input<string>; loginServer: pulumi.Input<string> };
  /** Tag of this build (for example the commit). Required. */
  tag: string;
  /** Which inference image to build: `cpu` (Dockerfile) or `cuda` (Dockerfile.cuda). Defaults to `cpu`. */
  inferenceDevice?: "cpu" | "cuda";
  /** Also build the console image. Defaults to `false`. */
  console?: boolean;
  /** Also build the pipeline controller image. Defaults to `false`. */
  pipeline?: boolean;
}

/** Build on the deployer with Docker and push with the deployer's Entra identity. */
export interface DockerImagesArgs extends PlatformImagesCommonArgs {
  mode: "docker";
  /** Absolute path of the repository root on the deployer (the build context). Required. */
  contextPath: string;
  /** Entra tenant of the deployer, for the registry token exchange. Required. */
  tenantId: pulumi.Input<string>;
  /** The registry token exchange. Defaults to a real `fetch`; tests inject one. */
  tokenExchange?: AcrTokenExchange;
}

/** Build in the registry with ACR Tasks from a git context. */
export interface AcrTasksImagesArgs extends PlatformImagesCommonArgs {
  mode: "acr-tasks";
  /** Git context URL with a ref ACR Tasks can fetch, for example `https://github.com/org/ai-platform.git#<commit>`. */
  sourceUrl: string;
  /**
   * Create a dedicated agent pool injected into this subnet and build on it. Required when the registry's public
   * access is disabled (ACR's shared agents cannot reach it). Defaults to none: builds run on shared agents.
   */
  agentPool?: { subnetId: pulumi.Input<string>; location: pulumi.Input<string>; tier?: "S1" | "S2" | "S3" };
}

/**
 * Arguments of {@link PlatformImages}: one shape per build mode, so that a field of one mode (an agent pool for
 * Docker builds, a context path for ACR Tasks) cannot be given to the other.
 */
export type PlatformImagesArgs = DockerImagesArgs | AcrTasksImagesArgs;

/** The build mode of {@link PlatformImagesArgs}. */
export type { ImageBuildMode };

/**
 * What `AiPlatform` takes about its images: the build mode and that mode's own fields. The platform fills in the
 * registry, the inference device, and the deployer's tenant (`docker`) or the build agent pool (`acr-tasks`).
 */
export type PlatformImagesChoice =
  | Omit<DockerImagesArgs, "registry" | "inferenceDevice" | "tenantId">
  | Omit<AcrTasksImagesArgs, "registry" | "inferenceDevice" | "agentPool">;

/** The built service images. */
export class PlatformImages extends pulumi.ComponentResource {
  /** Digest-pinned inference image. */
  readonly inferenceImage: pulumi.Output<string>;
  /** Digest-pinned training image. */
  readonly trainingImage: pulumi.Output<string>;
  /** Digest-pinned console image; unset unless `console`. */
  readonly consoleImage?: pulumi.Output<string>;
  /** Digest-pinned pipeline controller image; unset unless `pipeline`. */
  readonly pipelineImage?: pulumi.Output<string>;

  constructor(name: string, args: PlatformImagesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:images:PlatformImages", name, {}, opts);
    let agentPoolName: pulumi.Input<string> | undefined;
    if (args.mode === "acr-tasks" && args.agentPool !== undefined) {
      const pool = new containerregistry.AgentPool(
        `${name}-agents`,
        {
          registryName: args.registry.name,
          resourceGroupName: args.registry.resourceGroupName,
          location: args.agentPool.location,
          agentPoolName: BUILD_AGENT_POOL,
          tier: args.agentPool.tier ?? "S1",
          count: 1,
          os: containerregistry.OS.Linux,
          virtualNetworkSubnetResourceId: args.agentPool.subnetId,
        },
        { parent: this },
      );
      // The name, carried by an output of the pool, so builds wait for the pool to exist.
      agentPoolName = pool.id.apply(() => BUILD_AGENT_POOL);
    }
    const common =
      args.mode === "docker"
        ? {
            mode: args.mode,
            registry: args.registry,
            tag: args.tag,
            contextPath: args.contextPath,
            tenantId: args.tenantId,
            tokenExchange: args.tokenExchange,
          }
        : { mode: args.mode, registry: args.registry, tag: args.tag, sourceUrl: args.sourceUrl, agentPoolName };
    const cuda = args.inferenceDevice === "cuda";
    const inference = new ContainerImage(
      `${name}-inference`,
      {
        ...common,
        repository: cuda ? "inference-cuda" : "inference",
        dockerfile: cuda ? serviceDockerfiles.inferenceCuda : serviceDockerfiles.inferenceCpu,
      },
      { parent: this },
    );
    const training = new ContainerImage(
      `${name}-training`,
      {
        ...common,
        repository: "training",
        dockerfile: serviceDockerfiles.training,
      },
      { parent: this },
    );
    if (args.console === true)
      this.consoleImage = new ContainerImage(
        `${name}-console`,
        { ...common, repository: "console", dockerfile: serviceDockerfiles.console },
        { parent: this },
      ).ref;
    if (args.pipeline === true)
      this.pipelineImage = new ContainerImage(
        `${name}-pipeline`,
        { ...common, repository: "pipeline", dockerfile: serviceDockerfiles.pipeline },
        { parent: this },
      ).ref;
    this.inferenceImage = inference.ref;
    this.trainingImage = training.ref;
    this.registerOutputs({
      inferenceImage: this.inferenceImage,
      trainingImage: this.trainingImage,
      consoleImage: this.consoleImage,
      pipelineImage: this.pipelineImage,
    });
  }
}
