/**
 * The arguments of `AiPlatform` and their checks: every field says its default, and `validatePlatformArgs`
 * names every bad field at once before anything is registered.
 */
import type { ApiServerAccess } from "./aks-profiles";
import type { PlatformImagesChoice } from "./images";
import type { ConsoleSettings, PipelineSettings } from "./platform-workloads";

/** The GPU node pool. */
export interface GpuPoolSettings {
  /** N-series VM size, for example `Standard_NC4as_T4_v3`. Immutable: a change creates a new pool. */
  vmSize: string;
  /** Minimum nodes; `0` lets the pool scale to zero. */
  minNodes: number;
  /** Maximum nodes. */
  maxNodes: number;
  /** Spot VMs (evictable). Defaults to `false`. */
  spot?: boolean;
  /** Multi-Instance GPU profile (A100/H100/H200). Defaults to whole GPUs. */
  migProfile?: "MIG1g" | "MIG2g" | "MIG3g" | "MIG4g" | "MIG7g";
}

/** What runs on the cluster. */
export interface WorkloadSettings {
  /** Inference device: `cpu` (CPU nodes, CPU image) or `cuda` (GPU pool, CUDA image; needs `gpu`). Required. */
  inferenceDevice: "cpu" | "cuda";
  /**
   * Models the inference service loads, each `name@ref` (ref: a version, an alias or `latest`), or `*@alias` for
   * every registered model with that alias. Required; the first one names the scheduled training job's dataset
   * and model.
   */
  inferenceModels: string[];
  /** Inference replicas, autoscaled on CPU between `min` and `max`. Required. */
  inferenceReplicas: { min: number; max: number };
  /**
   * Schedule of the training CronJob, in UTC: five cron fields or a macro such as `@daily`. Defaults to
   * `"0 3 * * *"` (daily at 03:00 UTC). The job never runs at deploy time: training needs an ingested dataset.
   */
  trainingSchedule?: string;
  /**
   * Run a one-off demo bootstrap at deploy time: ingest the bundled dataset, train and promote the first
   * served model, so the endpoint answers after the first `pulumi up`. Defaults to `false`.
   */
  demoBootstrap?: boolean;
  /** The platform console (Entra sign-in; only `operatorGroupId` members act). Defaults to none. */
  console?: ConsoleSettings;
  /**
   * The pipeline controller: runs each model's pipeline policy (`npx ai-platform pipeline set`) by itself, with its
   * own identity (registry and data access, as training has; no Key Vault, no Kubernetes API). Defaults to none.
   */
  pipeline?: PipelineSettings;
}

/** Arguments of {@link AiPlatform}. */
export interface AiPlatformArgs {
  /** Azure region of every resource, for example `westeurope`. Required. */
  location: string;
  /** Resource group name. Defaults to `rg-<component name>`. */
  resourceGroupName?: string;
  /** Tags on every resource. Defaults to none. */
  tags?: Record<string, string>;
  /** VNet address space (a /20 or larger), split into the platform's subnets. Defaults to `10.20.0.0/16`. */
  addressSpace?: string;
  /** Spread stateful services and node pools over availability zones. Defaults to `true`. */
  zoneRedundant?: boolean;
  /** CanNotDelete locks on Cosmos DB, storage, Key Vault and the registry. Defaults to `false`. */
  resourceLocks?: boolean;
  /** Log Analytics retention in days. Defaults to `90`. */
  logRetentionDays?: number;
  /** Addresses the alert action group e-mails. Defaults to none. */
  alertEmails?: string[];
  /**
   * Zone-redundant Cosmos DB account. Defaults to `false`: zonal accounts are capacity-restricted in several
   * regions and fail with `ServiceUnavailable` until the subscription is granted access (aka.ms/cosmosdbquota).
   */
  cosmosZoneRedundant?: boolean;
  /**
   * Kind of the principal running `pulumi up`, for its grants (AKS RBAC Cluster Admin, AcrPush). Defaults to
   * `auto`: read from the deployer's own access token (delegated → `User`, app-only → `ServicePrincipal`), right
   * for a user on a laptop and a service principal in CI alike.
   */
  deployerPrincipalType?: "User" | "ServicePrincipal" | "auto";
  /** Seconds between an RBAC grant and its first use. Defaults to `90` (`DEFAULT_PROPAGATION_SECONDS`). */
  rbacPropagationSeconds?: number;
  /** Cosmos DB point-in-time restore window. Defaults to `Continuous30Days`. */
  cosmosBackupTier?: "Continuous7Days" | "Continuous30Days";
  /**
   * Disable the registry's public endpoint (private endpoint only). Defaults to `true`. When `false`,
   * the registry firewall admits only `cluster.apiServer.authorizedIpRanges` (the deployer's egress).
   */
  registryPrivate?: boolean;
  /** The AKS cluster. Required (for `apiServer`). */
  cluster: {
    /** Kubernetes minor version, for example `1.33`; patches follow automatically. Defaults to AKS's default. */
    kubernetesVersion?: string;
    /** Control-plane tier. Defaults to `Standard` (uptime SLA); `Free` suits dev only. */
    skuTier?: "Free" | "Standard" | "Premium";
    /** VM size of the system pool. Defaults to `Standard_D4s_v5`. */
    systemVmSize?: string;
    /** System pool autoscaling bounds. Defaults to 2 to 3 nodes. */
    systemNodes?: { min: number; max: number };
    /**
     * How the API server is reached: `public` (only from `authorizedIpRanges`, required and never `/0`) or
     * `private`; `vnetIntegration` defaults to `true`. Required.
     */
    apiServer: ApiServerAccess;
    /** Entra groups granted `Azure Kubernetes Service RBAC Cluster Admin`. Defaults to none. */
    adminGroupObjectIds?: string[];
  };
  /** The GPU node pool. Defaults to none (no GPU pool). */
  gpu?: GpuPoolSettings;
  /**
   * Build and push the service images: `docker` on the deployer, or `acr-tasks` in the registry. The platform
   * fills in the registry, the build agent pool (a private registry with `acr-tasks`), the inference device and
   * the deployer's tenant. Defaults to none: nothing is built, and `workloads` cannot be set.
   */
  images?: PlatformImagesChoice;
  /** The workloads on the cluster (needs `images`). Defaults to none: the cluster runs no platform workloads. */
  workloads?: WorkloadSettings;
}

/** Checks the arguments before anything is registered; throws naming every bad field. */
export function validatePlatformArgs(name: string, args: AiPlatformArgs): void {
  const problems: string[] = [];
  const api = args.cluster.apiServer;
  if (api.mode === "public" && (api.authorizedIpRanges ?? []).length === 0)
    problems.push("cluster.apiServer.authorizedIpRanges: required with mode public");
  if ((api.authorizedIpRanges ?? []).some((r) => r.endsWith("/0")))
    problems.push("cluster.apiServer.authorizedIpRanges: a /0 range opens the API server to the internet");
  if (args.gpu !== undefined && args.gpu.minNodes > args.gpu.maxNodes)
    problems.push(`gpu.minNodes (${args.gpu.minNodes}) > gpu.maxNodes (${args.gpu.maxNodes})`);
  if (args.workloads !== undefined && args.images === undefined)
    problems.push("workloads: needs images (the workloads deploy the images this platform builds)");
  if (args.workloads?.inferenceDevice === "cuda" && args.gpu === undefined)
    problems.push("workloads.inferenceDevice: cuda needs a gpu pool");
  if (problems.length > 0) throw new Error(`AiPlatform ${name}: ${problems.join("; ")}`);
}
