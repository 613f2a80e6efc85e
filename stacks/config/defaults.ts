/**
 * Defaults, in one home: what every environment shares (also declared as `default:` in `Pulumi.yaml`) and
 * what each environment profile chooses. `Pulumi.<env>.yaml` holds only what differs from its profile (a test
 * fails on a stack file line that repeats a default). The profiles: dev is small and cheap
 * (GPU at zero on spot, public API server behind authorized ranges), staging mirrors prod's
 * private data path with a reachable API server, prod is private, zone-redundant and locked.
 */
import type { ConfigValues, Environment } from "./keys";

/** Defaults that do not depend on the environment; `Pulumi.yaml` declares the same values. */
export const sharedDefaults = {
  namePrefix: "aip",
  alertEmails: [],
  clusterKubernetesVersion: "1.33",
  clusterAdminGroupObjectIds: [],
  deployerPrincipalType: "auto",
  imageSourceUrl: "",
  imageTag: "latest",
  inferenceModels: ["iris@production"],
  trainingSchedule: "",
  consoleOperatorGroupId: "",
  consoleSignInClientId: "",
  consoleProxyImage: "",
  pipelineEnabled: false,
} as const satisfies Partial<ConfigValues>;

type ProfileKeys = Exclude<
  keyof ConfigValues,
  keyof typeof sharedDefaults | "environment" | "location" | "clusterAuthorizedIpRanges"
>;

/**
 * The environment profiles. `clusterAuthorizedIpRanges` has no default on purpose: the only
 * correct value is the deployer's own egress, and a guessed one is either useless or open.
 */
export const environmentDefaults: Readonly<Record<Environment, Readonly<Pick<ConfigValues, ProfileKeys>>>> = {
  dev: {
    networkAddressSpace: "10.40.0.0/16",
    zoneRedundant: false,
    resourceLocks: false,
    logRetentionDays: 30,
    cosmosBackupTier: "Continuous7Days",
    cosmosZoneRedundant: false,
    clusterSkuTier: "Free",
    clusterSystemVmSize: "Standard_D2s_v5",
    clusterSystemMinNodes: 1,
    clusterSystemMaxNodes: 2,
    clusterApiServerAccess: "public",
    clusterApiServerVnetIntegration: false,
    gpuEnabled: false,
    gpuVmSize: "Standard_NC4as_T4_v3",
    gpuMinNodes: 0,
    gpuMaxNodes: 1,
    gpuSpot: true,
    gpuMigProfile: "None",
    registryPrivate: false,
    imageBuildMode: "docker",
    deploymentRunner: "outside-vnet",
    workloadsEnabled: true,
    demoBootstrap: true,
    inferenceDevice: "cpu",
    inferenceMinReplicas: 1,
    inferenceMaxReplicas: 2,
  },
  staging: {
    networkAddressSpace: "10.41.0.0/16",
    zoneRedundant: true,
    resourceLocks: false,
    logRetentionDays: 90,
    cosmosBackupTier: "Continuous7Days",
    cosmosZoneRedundant: false,
    clusterSkuTier: "Standard",
    clusterSystemVmSize: "Standard_D4s_v5",
    clusterSystemMinNodes: 2,
    clusterSystemMaxNodes: 3,
    clusterApiServerAccess: "public",
    clusterApiServerVnetIntegration: true,
    gpuEnabled: false,
    gpuVmSize: "Standard_NC4as_T4_v3",
    gpuMinNodes: 0,
    gpuMaxNodes: 2,
    gpuSpot: false,
    gpuMigProfile: "None",
    registryPrivate: true,
    imageBuildMode: "acr-tasks",
    deploymentRunner: "outside-vnet",
    workloadsEnabled: true,
    demoBootstrap: false,
    inferenceDevice: "cpu",
    inferenceMinReplicas: 2,
    inferenceMaxReplicas: 4,
  },
  prod: {
    networkAddressSpace: "10.42.0.0/16",
    zoneRedundant: true,
    resourceLocks: true,
    logRetentionDays: 365,
    cosmosBackupTier: "Continuous30Days",
    cosmosZoneRedundant: false,
    clusterSkuTier: "Standard",
    clusterSystemVmSize: "Standard_D4s_v5",
    clusterSystemMinNodes: 3,
    clusterSystemMaxNodes: 5,
    clusterApiServerAccess: "private",
    clusterApiServerVnetIntegration: true,
    gpuEnabled: true,
    gpuVmSize: "Standard_NC24ads_A100_v4",
    gpuMinNodes: 0,
    gpuMaxNodes: 4,
    gpuSpot: false,
    gpuMigProfile: "None",
    registryPrivate: true,
    imageBuildMode: "acr-tasks",
    deploymentRunner: "inside-vnet",
    workloadsEnabled: true,
    demoBootstrap: false,
    inferenceDevice: "cuda",
    inferenceMinReplicas: 2,
    inferenceMaxReplicas: 3,
  },
};
