/**
 * One GPU node pool as its own `AgentPool` resource: GPU size, a `sku=gpu:NoSchedule` taint so only GPU
 * workloads land there, autoscaling from zero, optional spot capacity and MIG, and the NVIDIA driver either
 * installed by AKS or left to the NVIDIA GPU Operator. Size, taints, MIG and priority are immutable in AKS:
 * changing them replaces the pool.
 */
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as pulumi from "@pulumi/pulumi";

/** The taint every GPU pool carries (the AKS GPU docs' convention). */
export const GPU_TAINT = "sku=gpu:NoSchedule";
/**
 * The taint AKS puts on spot pools. Declared here too, so the pool's inputs match what AKS reports and the
 * next `pulumi up` shows no drift; pods need a matching toleration to use spot capacity.
 */
export const SPOT_TAINT = "kubernetes.azure.com/scalesetpriority=spot:NoSchedule";
/** The node label naming a platform pool; GPU workloads select their pool with it. */
export const POOL_LABEL = "ai-platform/pool";

/** A Kubernetes toleration, as pods declare it. */
export interface GpuToleration {
  readonly key: string;
  readonly operator: "Equal";
  readonly value: string;
  readonly effect: "NoSchedule";
}

/** Multi-Instance GPU profiles (A100, H100 and H200 only). */
export type MigProfile = "MIG1g" | "MIG2g" | "MIG3g" | "MIG4g" | "MIG7g";

/** Arguments of {@link GpuNodePool}. */
export interface GpuNodePoolArgs {
  /** Resource group of the cluster. */
  resourceGroupName: pulumi.Input<string>;
  /** Name of the cluster (`AksCluster.clusterName`). */
  clusterName: pulumi.Input<string>;
  /** Pool name: 1-12 lowercase letters and digits, starting with a letter. Defaults to `gpu`. */
  poolName?: string;
  /** N-series VM size, for example `Standard_NC4as_T4_v3` (T4) or `Standard_NC24ads_A100_v4` (A100). */
  vmSize: string;
  /** Subnet of the pool's nodes (`Network.subnetIds.gpu`). */
  subnetId: pulumi.Input<string>;
  /** Fewest nodes. Defaults to 0: no GPU is paid for while no GPU pod is pending. */
  minCount?: number;
  /** Most nodes. Defaults to 1. GPU quota is often 0 by default: request it first. */
  maxCount?: number;
  /**
   * Spot capacity: evictable and much cheaper; suits checkpointed training, not latency-bound serving.
   * `true` pays up to the on-demand price (`maxPrice` -1). Defaults to `false`. Adds {@link SPOT_TAINT}.
   */
  spot?: boolean | { maxPrice: number };
  /** Split each GPU into MIG instances (A100, H100, H200 sizes only; immutable). Defaults to whole GPUs. */
  migProfile?: MigProfile;
  /**
   * Who installs the NVIDIA driver: `Install` (AKS; add the NVIDIA device plugin) or `None` (the NVIDIA GPU
   * Operator brings driver, device plugin and DCGM exporter). Defaults to `Install`.
   */
  driver?: "Install" | "None";
  /** Node OS. Defaults to `Ubuntu`: Azure Linux GPU nodes get no automatic security patches and lack some sizes. */
  osSku?: "Ubuntu" | "AzureLinux";
  /** Availability zones. Defaults to none (regional): GPU sizes are often missing from some zones. */
  availabilityZones?: readonly string[];
  /** Extra node labels. Defaults to none; `ai-platform/pool=<poolName>` is always set. */
  nodeLabels?: Readonly<Record<string, string>>;
  /** Tags on the pool's scale set. Defaults to none. */
  tags?: Readonly<Record<string, string>>;
}

/** Checks the arguments; throws one error naming every bad field. Pure. */
export function validateGpuNodePoolArgs(name: string, args: GpuNodePoolArgs): void {
  const errors: string[] = [];
  const poolName = args.poolName ?? "gpu";
  const minCount = args.minCount ?? 0;
  const maxCount = args.maxCount ?? 1;
  if (!/^[a-z][a-z0-9]{0,11}$/.test(poolName))
    errors.push(`poolName ("${poolName}") must be 1-12 lowercase letters and digits, starting with a letter`);
  if (!/^Standard_N[A-Za-z0-9_]+$/.test(args.vmSize))
    errors.push(`vmSize ("${args.vmSize}") is not an N-series GPU size such as Standard_NC4as_T4_v3`);
  if (!Number.isInteger(minCount) || minCount < 0)
    errors.push(`minCount (${minCount}) must be a whole number of at least 0`);
  if (!Number.isInteger(maxCount) || maxCount < Math.max(minCount, 1) || maxCount > 1000) {
    errors.push(`maxCount (${maxCount}) must be a whole number from max(1, minCount) to 1000`);
  }
  if (args.migProfile !== undefined && !/A100|H100|H200/.test(args.vmSize)) {
    errors.push(`migProfile (${args.migProfile}) needs an A100, H100 or H200 size; vmSize is ${args.vmSize}`);
  }
  if (typeof args.spot === "object" && !(args.spot.maxPrice === -1 || args.spot.maxPrice > 0)) {
    errors.push(`spot.maxPrice (${args.spot.maxPrice}) must be -1 (up to the on-demand price) or a positive price`);
  }
  for (const key of Object.keys(args.nodeLabels ?? {})) {
    if (key.startsWith("kubernetes.azure.com/"))
      errors.push(`nodeLabels["${key}"] uses the prefix kubernetes.azure.com/, which AKS reserves`);
    if (key === POOL_LABEL) errors.push(`nodeLabels["${key}"] is set by the pool itself`);
  }
  if (errors.length > 0) throw new Error(`GpuNodePool ${name}: ${errors.join("; ")}`);
}

/** A GPU node pool of an AKS cluster. */
export class GpuNodePool extends pulumi.ComponentResource {
  /** Resource id of the pool. */
  readonly poolId: pulumi.Output<string>;
  /** The pool name. */
  readonly poolName: string;
  /** Node selector that targets this pool. */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** Tolerations a pod needs to run on this pool (the GPU taint, plus the spot taint on a spot pool). */
  readonly tolerations: readonly GpuToleration[];
  /** Whether the pool runs on spot capacity. */
  readonly spot: boolean;

  constructor(name: string, args: GpuNodePoolArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:compute:GpuNodePool", name, {}, opts);
    validateGpuNodePoolArgs(name, args);
    const poolName = args.poolName ?? "gpu";
    const minCount = args.minCount ?? 0;
    const spot = args.spot !== undefined && args.spot !== false;
    const maxPrice = typeof args.spot === "object" ? args.spot.maxPrice : -1;

    const pool = new containerservice.AgentPool(
      `${name}-pool`,
      {
        resourceGroupName: args.resourceGroupName,
        resourceName: args.clusterName,
        agentPoolName: poolName,
        mode: "User",
        vmSize: args.vmSize,
        osType: "Linux",
        osSKU: args.osSku ?? "Ubuntu",
        type: "VirtualMachineScaleSets",
        vnetSubnetID: args.subnetId,
        enableNodePublicIP: false,
        enableAutoScaling: true,
        minCount,
        maxCount: args.maxCount ?? 1,
        count: minCount,
        scaleDownMode: "Delete",
        availabilityZones: args.availabilityZones === undefined ? undefined : [...args.availabilityZones],
        nodeTaints: spot ? [GPU_TAINT, SPOT_TAINT] : [GPU_TAINT],
        nodeLabels: { ...args.nodeLabels, [POOL_LABEL]: poolName },
        gpuProfile: { driver: args.driver ?? "Install" },
        gpuInstanceProfile: args.migProfile,
        scaleSetPriority: spot ? "Spot" : "Regular",
        ...(spot ? { scaleSetEvictionPolicy: "Delete", spotMaxPrice: maxPrice } : {}),
        tags: args.tags,
      },
      // The autoscaler owns the node count.
      { parent: this, ignoreChanges: ["count"] },
    );

    this.poolId = pool.id;
    this.poolName = poolName;
    this.spot = spot;
    this.nodeSelector = { [POOL_LABEL]: poolName };
    const gpu: GpuToleration = { key: "sku", operator: "Equal", value: "gpu", effect: "NoSchedule" };
    const spotToleration: GpuToleration = {
      key: "kubernetes.azure.com/scalesetpriority",
      operator: "Equal",
      value: "spot",
      effect: "NoSchedule",
    };
    this.tolerations = spot ? [gpu, spotToleration] : [gpu];
    this.registerOutputs({
      poolId: this.poolId,
      poolName,
      nodeSelector: this.nodeSelector,
      tolerations: this.tolerations,
      spot,
    });
  }
}
