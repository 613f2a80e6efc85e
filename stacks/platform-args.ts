/**
 * Maps the resolved stack configuration onto `AiPlatform`'s arguments. Pure: the only place that
 * knows both the stack settings and the component's surface.
 */
import type { AiPlatformArgs } from "../components/platform";
import type { PlatformConfig } from "./config/resolve";

/** Facts about where the program runs that are not configuration. */
export interface ProgramContext {
  /** Absolute path of the repository root: the docker build context. */
  repositoryRoot: string;
  /** Pulumi project name, for tags. */
  project: string;
}

/** Tags on every resource: what it belongs to and who manages it. */
export function platformTags(c: PlatformConfig, ctx: ProgramContext): Record<string, string> {
  return { project: ctx.project, environment: c.environment, "managed-by": "pulumi" };
}

/** The `AiPlatform` arguments for a resolved stack configuration. */
export function platformArgs(c: PlatformConfig, ctx: ProgramContext): AiPlatformArgs {
  return {
    location: c.location,
    resourceGroupName: `rg-${c.namePrefix}-${c.environment}`,
    tags: platformTags(c, ctx),
    addressSpace: c.networkAddressSpace,
    zoneRedundant: c.zoneRedundant,
    resourceLocks: c.resourceLocks,
    logRetentionDays: c.logRetentionDays,
    alertEmails: [...c.alertEmails],
    cosmosBackupTier: c.cosmosBackupTier,
    cosmosZoneRedundant: c.cosmosZoneRedundant,
    deployerPrincipalType: c.deployerPrincipalType,
    registryPrivate: c.registryPrivate,
    cluster: {
      kubernetesVersion: c.clusterKubernetesVersion,
      skuTier: c.clusterSkuTier,
      systemVmSize: c.clusterSystemVmSize,
      systemNodes: { min: c.clusterSystemMinNodes, max: c.clusterSystemMaxNodes },
      apiServer: {
        mode: c.clusterApiServerAccess,
        ...(c.clusterApiServerAccess === "public" ? { authorizedIpRanges: [...c.clusterAuthorizedIpRanges] } : {}),
        vnetIntegration: c.clusterApiServerVnetIntegration,
      },
      adminGroupObjectIds: [...c.clusterAdminGroupObjectIds],
    },
    ...(c.gpuEnabled
      ? {
          gpu: {
            vmSize: c.gpuVmSize,
            minNodes: c.gpuMinNodes,
            maxNodes: c.gpuMaxNodes,
            spot: c.gpuSpot,
            ...(c.gpuMigProfile === "None" ? {} : { migProfile: c.gpuMigProfile }),
          },
        }
      : {}),
    images:
      c.imageBuildMode === "docker"
        ? { mode: "docker", tag: c.imageTag, contextPath: ctx.repositoryRoot }
        : { mode: "acr-tasks", tag: c.imageTag, sourceUrl: c.imageSourceUrl },
    ...(c.workloadsEnabled
      ? {
          workloads: {
            inferenceDevice: c.inferenceDevice,
            inferenceModels: [...c.inferenceModels],
            inferenceReplicas: { min: c.inferenceMinReplicas, max: c.inferenceMaxReplicas },
            ...(c.trainingSchedule === "" ? {} : { trainingSchedule: c.trainingSchedule }),
            demoBootstrap: c.demoBootstrap,
            ...(c.pipelineEnabled ? { pipeline: {} } : {}),
            ...(c.consoleOperatorGroupId === ""
              ? {}
              : {
                  console: {
                    operatorGroupId: c.consoleOperatorGroupId,
                    signInClientId: c.consoleSignInClientId,
                    proxyImage: c.consoleProxyImage,
                  },
                }),
          },
        }
      : {}),
  };
}
