/**
 * The cluster's separate pools and maintenance windows, created in the one order AKS accepts: it runs one
 * agent-pool operation per cluster at a time (`OperationNotAllowed: Another agentpool operation … is in
 * progress`), and maintenance configurations are cluster writes too. So: the CPU pool after the cluster,
 * the GPU pool after the CPU pool, the maintenance configurations after every pool. Used by `AksCluster`.
 */
import * as containerservice from "@pulumi/azure-native/containerservice";
import type * as pulumi from "@pulumi/pulumi";
import { maintenanceWindowInput, type MaintenanceWindow, type NodePoolScale } from "./aks-profiles";
import { GpuNodePool, type GpuNodePoolArgs } from "./gpu-node-pool";

/** What {@link addPoolsInOrder} needs from the cluster. */
export interface PoolsInput {
  resourceGroupName: pulumi.Input<string>;
  tags?: Readonly<Record<string, string>>;
  /** The cluster's name and the cluster itself (the pools wait for it, and so for its subnet-grant wait). */
  clusterName: pulumi.Input<string>;
  cluster: pulumi.Resource;
  cpuPool: NodePoolScale;
  cpuSubnetId: pulumi.Input<string>;
  /** Zones of the CPU pool, and of the GPU pool unless it sets its own. */
  zones: string[] | undefined;
  gpuPool: Omit<GpuNodePoolArgs, "resourceGroupName" | "clusterName"> | undefined;
  maintenanceWindow: MaintenanceWindow;
}

/** Creates the `cpu` pool, the optional GPU pool and both maintenance configurations, in order, under `parent`. */
export function addPoolsInOrder(name: string, a: PoolsInput, parent: pulumi.Resource): GpuNodePool | undefined {
  const cpu = new containerservice.AgentPool(
    `${name}-cpu`,
    {
      resourceGroupName: a.resourceGroupName,
      resourceName: a.clusterName,
      agentPoolName: "cpu",
      mode: "User",
      vmSize: a.cpuPool.vmSize,
      enableAutoScaling: true,
      minCount: a.cpuPool.minCount,
      maxCount: a.cpuPool.maxCount,
      count: a.cpuPool.minCount,
      availabilityZones: a.zones,
      osType: "Linux",
      osSKU: "AzureLinux",
      type: "VirtualMachineScaleSets",
      vnetSubnetID: a.cpuSubnetId,
      enableNodePublicIP: false,
      nodeLabels: { "ai-platform/pool": "cpu" },
      upgradeSettings: { maxSurge: "33%" },
      tags: a.tags,
    },
    // The autoscaler owns the node count. Explicitly after the cluster (and so after the subnet-grant wait).
    { parent, dependsOn: [a.cluster], ignoreChanges: ["count"] },
  );
  // One agent-pool operation per cluster at a time: the GPU pool after the CPU pool.
  const gpuPool =
    a.gpuPool === undefined
      ? undefined
      : new GpuNodePool(
          `${name}-gpu`,
          {
            ...(a.zones === undefined ? {} : { availabilityZones: a.zones }),
            ...a.gpuPool,
            resourceGroupName: a.resourceGroupName,
            clusterName: a.clusterName,
          },
          { parent, dependsOn: [cpu] },
        );
  const pools: pulumi.Resource[] = gpuPool === undefined ? [cpu] : [cpu, gpuPool];

  // Maintenance configurations are cluster writes too: after the pools.
  for (const configName of ["aksManagedAutoUpgradeSchedule", "aksManagedNodeOSUpgradeSchedule"]) {
    new containerservice.MaintenanceConfiguration(
      `${name}-${configName}`,
      {
        resourceGroupName: a.resourceGroupName,
        resourceName: a.clusterName,
        configName,
        maintenanceWindow: maintenanceWindowInput(a.maintenanceWindow),
      },
      { parent, dependsOn: pools },
    );
  }
  return gpuPool;
}
