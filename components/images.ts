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
} as const;

/** Name of the VNet-injected ACR Tasks agent pool (3-20 alphanumerics). */
export const BUILD_AGENT_POOL = "builders";

/** Arguments of {@link PlatformImages}. */
export interface PlatformImagesArgs {
  /** Build mode; see {@link ContainerImage}. */
  mode: ImageBuildMode;
  /** The platform registry. */
  registry: { name: pulumi.Input<string>; resourceGroupName: pulumi.Input<string>; loginServer: pulumi.Input<string> };
  /** Tag of this build (for example the commit). */
  tag: string;
  /** Which inference image to build: `cpu` (Dockerfile) or `cuda` (Dockerfile.cuda). Defaults to `cpu`. */
  inferenceDevice?: "cpu" | "cuda";
  /** Also build the console image. Defaults to `false`. */
  console?: boolean;
  /** `docker` mode: absolute path of the repository root on the deployer. */
  contextPath?: string;
  /** `docker` mode: Entra tenant of the deployer. */
  tenantId?: pulumi.Input<string>;
  /** `docker` mode: token exchange override (tests). */
  tokenExchange?: AcrTokenExchange;
  /** `acr-tasks` mode: git context URL with a ref. */
  sourceUrl?: string;
  /**
   * `acr-tasks` mode: create a dedicated agent pool injected into this subnet and build on it.
   * Required when the registry's public access is disabled (ACR's shared agents cannot reach it).
   * Defaults to no pool: builds run on shared agents.
   */
  agentPool?: { subnetId: pulumi.Input<string>; location: pulumi.Input<string>; tier?: "S1" | "S2" | "S3" };
}

/** The built service images. */
export class PlatformImages extends pulumi.ComponentResource {
  /** Digest-pinned inference image. */
  readonly inferenceImage: pulumi.Output<string>;
  /** Digest-pinned training image. */
  readonly trainingImage: pulumi.Output<string>;
  /** Digest-pinned console image; unset unless `console`. */
  readonly consoleImage?: pulumi.Output<string>;

  constructor(name: string, args: PlatformImagesArgs, opts?: pulumi.ComponentResourceOptions) {
    if (args.agentPool !== undefined && args.mode !== "acr-tasks") {
      throw new Error(`PlatformImages ${name}: agentPool applies to mode "acr-tasks" only (mode is "${args.mode}")`);
    }
    super("ai-platform:images:PlatformImages", name, {}, opts);
    let agentPoolName: pulumi.Input<string> | undefined;
    if (args.agentPool !== undefined) {
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
    const common = {
      mode: args.mode,
      registry: args.registry,
      tag: args.tag,
      ...(args.contextPath === undefined ? {} : { contextPath: args.contextPath }),
      ...(args.tenantId === undefined ? {} : { tenantId: args.tenantId }),
      ...(args.tokenExchange === undefined ? {} : { tokenExchange: args.tokenExchange }),
      ...(args.sourceUrl === undefined ? {} : { sourceUrl: args.sourceUrl }),
      ...(agentPoolName === undefined ? {} : { agentPoolName }),
    };
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
    this.inferenceImage = inference.ref;
    this.trainingImage = training.ref;
    this.registerOutputs({
      inferenceImage: this.inferenceImage,
      trainingImage: this.trainingImage,
      consoleImage: this.consoleImage,
    });
  }
}
