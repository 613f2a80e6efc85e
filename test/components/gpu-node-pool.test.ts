import { describe, expect, it } from "vitest";
import {
  GPU_TAINT,
  GpuNodePool,
  SPOT_TAINT,
  validateGpuNodePoolArgs,
  type GpuNodePoolArgs,
} from "../../components/gpu-node-pool";
import { GPU_TOLERATION, SPOT_TOLERATION } from "../../components/kubernetes/pod-spec";
import type { RegisteredResource } from "../support/pulumi-mocks";
import { countByType, diffRuns, memoize, named, record } from "./helpers";

const base: GpuNodePoolArgs = {
  resourceGroupName: "rg",
  clusterName: "aks",
  vmSize: "Standard_NC4as_T4_v3",
  subnetId: "gpu-subnet",
  tags: { env: "test" },
};
const build = memoize((args: Partial<GpuNodePoolArgs> = {}) =>
  record(() => new GpuNodePool("gpu", { ...base, ...args })),
);
const POOL = "azure-native:containerservice:AgentPool";
const pool = (resources: readonly RegisteredResource[]) => named(resources, POOL, "gpu-pool");

describe("GpuNodePool", () => {
  it("creates exactly one AgentPool", async () => {
    const { resources } = await build();
    expect(countByType(resources)).toEqual({ "ai-platform:compute:GpuNodePool": 1, [POOL]: 1 });
  });

  it("creates a tainted, labelled user pool that autoscales from zero with the AKS-installed driver", async () => {
    const { resources } = await build();
    expect(pool(resources).inputs).toEqual({
      resourceGroupName: "rg",
      resourceName: "aks",
      agentPoolName: "gpu",
      mode: "User",
      vmSize: "Standard_NC4as_T4_v3",
      osType: "Linux",
      osSKU: "Ubuntu",
      type: "VirtualMachineScaleSets",
      vnetSubnetID: "gpu-subnet",
      enableNodePublicIP: false,
      enableAutoScaling: true,
      minCount: 0,
      maxCount: 1,
      count: 0,
      scaleDownMode: "Delete",
      nodeTaints: ["sku=gpu:NoSchedule"],
      nodeLabels: { "ai-platform/pool": "gpu" },
      gpuProfile: { driver: "Install" },
      scaleSetPriority: "Regular",
      tags: { env: "test" },
    });
  });

  it("exposes a node selector and tolerations that match the pool and the Kubernetes workloads' own", async () => {
    const { result } = await build();
    expect(result.nodeSelector).toEqual({ "ai-platform/pool": "gpu" });
    expect(result.tolerations).toEqual([GPU_TOLERATION]);
    expect(result.spot).toBe(false);
  });

  it.each([
    [{ driver: "None" as const }, [`${POOL}::gpu-pool.gpuProfile.driver`]],
    [
      { migProfile: "MIG1g" as const, vmSize: "Standard_NC24ads_A100_v4" },
      [`${POOL}::gpu-pool.gpuInstanceProfile`, `${POOL}::gpu-pool.vmSize`],
    ],
    [{ osSku: "AzureLinux" as const }, [`${POOL}::gpu-pool.osSKU`]],
    [{ maxCount: 4 }, [`${POOL}::gpu-pool.maxCount`]],
    [
      { minCount: 1, maxCount: 2 },
      [`${POOL}::gpu-pool.count`, `${POOL}::gpu-pool.maxCount`, `${POOL}::gpu-pool.minCount`],
    ],
    [{ availabilityZones: ["1", "2"] }, [`${POOL}::gpu-pool.availabilityZones`]],
    [{ nodeLabels: { team: "ml" } }, [`${POOL}::gpu-pool.nodeLabels.team`]],
    [{ poolName: "a100" }, [`${POOL}::gpu-pool.agentPoolName`, `${POOL}::gpu-pool.nodeLabels.ai-platform/pool`]],
  ])("%j changes exactly %j", async (change, paths) => {
    const before = await build();
    const after = await build(change);
    expect(diffRuns(before.resources, after.resources)).toEqual(paths);
  });

  it("runs on spot capacity with eviction Delete, the on-demand price cap and the spot taint declared", async () => {
    const before = await build();
    const after = await build({ spot: true });
    expect(diffRuns(before.resources, after.resources)).toEqual([
      `${POOL}::gpu-pool.nodeTaints`,
      `${POOL}::gpu-pool.scaleSetEvictionPolicy`,
      `${POOL}::gpu-pool.scaleSetPriority`,
      `${POOL}::gpu-pool.spotMaxPrice`,
    ]);
    expect(pool(after.resources).inputs).toMatchObject({
      scaleSetPriority: "Spot",
      scaleSetEvictionPolicy: "Delete",
      spotMaxPrice: -1,
      nodeTaints: [GPU_TAINT, SPOT_TAINT],
    });
    expect(after.result.tolerations).toEqual([GPU_TOLERATION, SPOT_TOLERATION]);
    expect(after.result.spot).toBe(true);
  });

  it("caps the spot price when given one", async () => {
    const { resources } = await build({ spot: { maxPrice: 0.5 } });
    expect(pool(resources).inputs.spotMaxPrice).toBe(0.5);
  });

  it("rejects a bad pool before declaring any child", async () => {
    await expect(build({ vmSize: "Standard_D4s_v5" })).rejects.toThrow(
      new Error('GpuNodePool gpu: vmSize ("Standard_D4s_v5") is not an N-series GPU size such as Standard_NC4as_T4_v3'),
    );
  });
});

describe("validateGpuNodePoolArgs", () => {
  it.each([
    [
      { poolName: "GPU-pool" },
      'poolName ("GPU-pool") must be 1-12 lowercase letters and digits, starting with a letter',
    ],
    [
      { poolName: "gpupoolnumber1" },
      'poolName ("gpupoolnumber1") must be 1-12 lowercase letters and digits, starting with a letter',
    ],
    [
      { vmSize: "Standard_D4s_v5" },
      'vmSize ("Standard_D4s_v5") is not an N-series GPU size such as Standard_NC4as_T4_v3',
    ],
    [{ minCount: -1 }, "minCount (-1) must be a whole number of at least 0"],
    [{ minCount: 3, maxCount: 2 }, "maxCount (2) must be a whole number from max(1, minCount) to 1000"],
    [{ maxCount: 0 }, "maxCount (0) must be a whole number from max(1, minCount) to 1000"],
    [
      { migProfile: "MIG1g" as const },
      "migProfile (MIG1g) needs an A100, H100 or H200 size; vmSize is Standard_NC4as_T4_v3",
    ],
    [{ spot: { maxPrice: 0 } }, "spot.maxPrice (0) must be -1 (up to the on-demand price) or a positive price"],
    [
      { nodeLabels: { "kubernetes.azure.com/mode": "x" } },
      'nodeLabels["kubernetes.azure.com/mode"] uses the prefix kubernetes.azure.com/, which AKS reserves',
    ],
    [{ nodeLabels: { "ai-platform/pool": "x" } }, 'nodeLabels["ai-platform/pool"] is set by the pool itself'],
    [
      { poolName: "", vmSize: "x", maxCount: 0 },
      'poolName ("") must be 1-12 lowercase letters and digits, starting with a letter; vmSize ("x") is not an N-series GPU size such as Standard_NC4as_T4_v3; maxCount (0) must be a whole number from max(1, minCount) to 1000',
    ],
  ])("rejects %j", (change, message) => {
    expect(() => validateGpuNodePoolArgs("gpu", { ...base, ...change })).toThrow(
      new Error(`GpuNodePool gpu: ${message}`),
    );
  });

  it("accepts MIG on an A100 spot pool", () => {
    expect(() =>
      validateGpuNodePoolArgs("gpu", {
        ...base,
        vmSize: "Standard_NC24ads_A100_v4",
        migProfile: "MIG3g",
        spot: true,
        minCount: 0,
        maxCount: 4,
      }),
    ).not.toThrow();
  });
});
