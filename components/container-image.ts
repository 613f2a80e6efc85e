/**
 * One container image built and pushed to the platform's registry during `pulumi up`, exposed as a
 * digest-pinned reference (`<registry>/<repository>@sha256:…`) so workloads deploy exactly what was
 * built. Two build modes, chosen per stack:
 *
 * - `docker`: BuildKit on the deployer (`@pulumi/docker-build`), pushed with an ACR refresh token from
 *   the Entra token exchange. Needs Docker where `pulumi up` runs and network access to the registry;
 *   suits dev and a public (Entra-only) registry.
 * - `acr-tasks`: ACR Tasks builds inside Azure from a git context (`containerregistry.TaskRun`); no
 *   local Docker, and with `agentPoolName` (an agent pool injected into the VNet) it pushes to a
 *   registry whose public access is disabled. Suits CI and private environments.
 *
 * Neither mode uses the registry's admin user.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as dockerbuild from "@pulumi/docker-build";
import { ACR_REFRESH_TOKEN_USER, acrTokenExchange, type AcrTokenExchange } from "./acr-token";

/** How an image is built; see the module documentation. */
export type ImageBuildMode = "docker" | "acr-tasks";

/** Arguments of {@link ContainerImage}. */
export interface ContainerImageArgs {
  /** Build mode. */
  mode: ImageBuildMode;
  /** The registry: its name, resource group and login server (`<name>.azurecr.io`). */
  registry: { name: pulumi.Input<string>; resourceGroupName: pulumi.Input<string>; loginServer: pulumi.Input<string> };
  /** Repository in the registry, for example `inference`. */
  repository: string;
  /** Tag of this build. Workloads use the digest; the tag names the build for people. */
  tag: string;
  /** Dockerfile path relative to the build context root, for example `services/inference/Dockerfile`. */
  dockerfile: string;
  /**
   * `docker` mode: absolute path of the build context on the deployer (the repository root).
   * Required with `docker`.
   */
  contextPath?: string;
  /**
   * `acr-tasks` mode: a context ACR Tasks can fetch, for example
   * `https://github.com/org/ai-platform.git#<commit>`. Required with `acr-tasks`.
   */
  sourceUrl?: string;
  /** `acr-tasks` mode: the agent pool to run on. Defaults to ACR's shared agents (public registries only). */
  agentPoolName?: pulumi.Input<string>;
  /** `docker` mode: Entra tenant of the deployer, for the token exchange. */
  tenantId?: pulumi.Input<string>;
  /** `docker` mode: the token exchange. Defaults to a real `fetch`; tests inject a fake. */
  tokenExchange?: AcrTokenExchange;
  /**
   * `docker` mode: also export the build cache to the registry (`<repository>:buildcache`). Defaults to
   * `false`: Docker's default `docker` driver on the classic image store refuses cache export ("Cache export is
   * not supported for the docker driver"); turn it on with a `docker-container` builder or the containerd
   * image store. The cache is imported either way.
   */
  exportCache?: boolean;
  /** Build arguments (`--build-arg`). Defaults to none. */
  buildArgs?: Record<string, string>;
}

/** Checks the arguments before anything is registered; throws naming the field. */
function validateImageArgs(name: string, args: ContainerImageArgs): void {
  if (!/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.test(args.repository)) {
    throw new Error(`ContainerImage ${name}: repository "${args.repository}" is not a valid repository name`);
  }
  if (args.mode === "docker" && args.contextPath === undefined)
    throw new Error(`ContainerImage ${name}: contextPath is required with mode "docker"`);
  if (args.mode === "docker" && args.tenantId === undefined)
    throw new Error(`ContainerImage ${name}: tenantId is required with mode "docker" (token exchange)`);
  if (args.mode === "acr-tasks" && (args.sourceUrl === undefined || args.sourceUrl === "")) {
    throw new Error(`ContainerImage ${name}: sourceUrl is required with mode "acr-tasks"`);
  }
}

/** A built and pushed image. */
export class ContainerImage extends pulumi.ComponentResource {
  /** Digest-pinned reference, `<loginServer>/<repository>@sha256:<digest>`. */
  readonly ref: pulumi.Output<string>;
  /** The tag reference that was pushed, `<loginServer>/<repository>:<tag>`. */
  readonly taggedRef: pulumi.Output<string>;

  constructor(name: string, args: ContainerImageArgs, opts?: pulumi.ComponentResourceOptions) {
    validateImageArgs(name, args);
    super("ai-platform:images:ContainerImage", name, {}, opts);
    const loginServer = pulumi.output(args.registry.loginServer);
    this.taggedRef = pulumi.interpolate`${loginServer}/${args.repository}:${args.tag}`;

    if (args.mode === "docker") {
      const exchange = args.tokenExchange ?? acrTokenExchange();
      const accessToken = authorization.getClientTokenOutput({}, { parent: this }).token;
      const tenantId = pulumi.output(args.tenantId as pulumi.Input<string>);
      // The refresh token is fetched only on `up`: during a preview the registry may not exist yet,
      // and docker-build does not push on preview.
      const password = pulumi.secret(
        pulumi
          .all([loginServer, tenantId, accessToken])
          .apply(([server, tenantId, token]) =>
            pulumi.runtime.isDryRun() ? "" : exchange({ loginServer: server, tenantId, accessToken: token }),
          ),
      );
      const image = new dockerbuild.Image(
        `${name}-build`,
        {
          context: { location: args.contextPath as string },
          dockerfile: { location: `${args.contextPath as string}/${args.dockerfile}` },
          tags: [this.taggedRef],
          platforms: ["linux/amd64"],
          push: true,
          buildOnPreview: false,
          buildArgs: args.buildArgs ?? {},
          registries: [{ address: loginServer, username: ACR_REFRESH_TOKEN_USER, password }],
          cacheFrom: [{ registry: { ref: pulumi.interpolate`${loginServer}/${args.repository}:buildcache` } }],
          cacheTo:
            args.exportCache === true
              ? [
                  {
                    registry: {
                      ref: pulumi.interpolate`${loginServer}/${args.repository}:buildcache`,
                      mode: dockerbuild.CacheMode.Max,
                    },
                  },
                ]
              : [],
        },
        { parent: this },
      );
      this.ref = image.ref;
    } else {
      const run = new containerregistry.TaskRun(
        `${name}-build`,
        {
          registryName: args.registry.name,
          resourceGroupName: args.registry.resourceGroupName,
          // A new source, tag or Dockerfile re-runs the build; an unchanged one does not.
          forceUpdateTag: `${args.sourceUrl}|${args.dockerfile}|${args.tag}`,
          runRequest: {
            type: "DockerBuildRequest",
            sourceLocation: args.sourceUrl,
            dockerFilePath: args.dockerfile,
            imageNames: [`${args.repository}:${args.tag}`],
            isPushEnabled: true,
            platform: { os: "Linux", architecture: "amd64" },
            agentPoolName: args.agentPoolName,
            arguments: Object.entries(args.buildArgs ?? {}).map(([k, v]) => ({ name: k, value: v, isSecret: false })),
            timeout: 3600,
          },
        },
        { parent: this },
      );
      this.ref = pulumi.all([loginServer, run.runResult]).apply(([server, result]) => {
        const image = result.outputImages?.find((i) => i.repository === args.repository);
        if (image?.digest === undefined) {
          throw new Error(
            `ContainerImage ${name}: ACR Tasks run ${result.runId ?? "?"} finished with status ${result.status ?? "?"} and no digest for ${args.repository}`,
          );
        }
        return `${server}/${args.repository}@${image.digest}`;
      });
    }
    this.registerOutputs({ ref: this.ref, taggedRef: this.taggedRef });
  }
}
