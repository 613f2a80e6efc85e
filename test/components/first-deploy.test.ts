/**
 * The first-deploy defects of the desk review, one test each at the component level: each fails on the code
 * as reviewed. Resource options (dependsOn, retainOnDelete) are read through a component transformation,
 * which sees every child's options as constructed.
 */
import type * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { AksCluster, type AksClusterArgs } from "../../components/aks-cluster";
import { boundedName } from "../../components/aks-monitoring";
import { ContainerImage } from "../../components/container-image";
import { CosmosDb } from "../../components/cosmos-db";
import { Network } from "../../components/network";
import { principalTypeOfToken } from "../../components/shared/principal-type";
import { PropagationWait } from "../../components/shared/propagation-wait";
import { amaMetricsSettingsData } from "../../components/kubernetes/prometheus-scraping";
import { demoBootstrapScript } from "../../components/kubernetes/demo-bootstrap";
import { gpusPerNode, servingCapacity } from "../../components/gpu-sizes";
import { named, record } from "./helpers";

const SUB =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets";
const WS =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/logs";

/** Options each child was constructed with, by `<type>::<name>`. */
function optionsRecorder(): {
  transformation: pulumi.ResourceTransformation;
  options: Map<string, pulumi.ResourceOptions>;
  dependsOn: (key: string) => string[];
} {
  const options = new Map<string, pulumi.ResourceOptions>();
  const label = (r: unknown) => {
    const res = r as { __pulumiType?: string; __name?: string };
    return `${res.__pulumiType}::${res.__name}`;
  };
  return {
    options,
    transformation: (args) => {
      options.set(`${args.type}::${args.name}`, args.opts);
      return undefined;
    },
    dependsOn: (key) => {
      const d = options.get(key)?.dependsOn;
      return (Array.isArray(d) ? d : d === undefined ? [] : [d]).map(label).sort();
    },
  };
}

const aksBase: AksClusterArgs = {
  resourceGroupName: "rg",
  location: "westeurope",
  apiServer: { mode: "private" },
  systemSubnetId: `${SUB}/system`,
  cpuSubnetId: `${SUB}/cpu`,
  apiServerSubnetId: `${SUB}/apiServer`,
  workspaceId: WS,
  defenderWorkspaceId: `${WS}-defender`,
  gpuPool: { vmSize: "Standard_NC4as_T4_v3", subnetId: `${SUB}/gpu` },
};

describe("first deploy: the cluster", () => {
  it("serializes agent pools (gpu after cpu) and writes maintenance configurations after both", async () => {
    const rec = optionsRecorder();
    await record(() => new AksCluster("aks", aksBase, { transformations: [rec.transformation] }));
    expect(rec.dependsOn("ai-platform:compute:GpuNodePool::aks-gpu")).toEqual([
      "azure-native:containerservice:AgentPool::aks-cpu",
    ]);
    for (const config of ["aksManagedAutoUpgradeSchedule", "aksManagedNodeOSUpgradeSchedule"])
      expect(rec.dependsOn(`azure-native:containerservice:MaintenanceConfiguration::aks-${config}`)).toEqual([
        "ai-platform:compute:GpuNodePool::aks-gpu",
        "azure-native:containerservice:AgentPool::aks-cpu",
      ]);
  });

  it("creates the cluster only after a propagation wait that follows every subnet grant", async () => {
    const rec = optionsRecorder();
    await record(() => new AksCluster("aks", aksBase, { transformations: [rec.transformation] }));
    expect(rec.dependsOn("azure-native:containerservice:ManagedCluster::aks-aks")).toEqual([
      "pulumi-nodejs:dynamic:Resource::aks-subnet-grants-wait",
    ]);
    expect(rec.dependsOn("pulumi-nodejs:dynamic:Resource::aks-subnet-grants-wait")).toEqual(
      [0, 1, 2, 3].map((i) => `azure-native:authorization:RoleAssignment::aks-control-plane-grant-${i}`),
    );
  });

  it("names the data collection endpoint and Azure Monitor workspace within 44 characters, for the longest platform name", async () => {
    const longest = "abcdefgh-staging-aks"; // namePrefix (8) + the longest environment, as AiPlatform names the cluster
    const { resources } = await record(() => new AksCluster(longest, { ...aksBase, gpuPool: undefined }));
    const dce = named(resources, "azure-native:monitor:DataCollectionEndpoint", `${longest}-monitoring-prometheus-dce`);
    const amw = named(resources, "azure-native:monitor:AzureMonitorWorkspace", `${longest}-monitoring-prometheus`);
    expect(dce.inputs.dataCollectionEndpointName).toBe("abcdefgh-staging-aks-monitoring-dce");
    expect(amw.inputs.azureMonitorWorkspaceName).toBe("abcdefgh-staging-aks-monitoring-amw");
    expect(boundedName(`${"x".repeat(43)}-dce`)).toBe("x".repeat(43));
  });
});

describe("first deploy: grants", () => {
  it("reads the deployer's principal kind from its token: delegated is a User, app-only a ServicePrincipal", () => {
    const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.`;
    expect(principalTypeOfToken(jwt({ scp: "user_impersonation", oid: "u" }))).toBe("User");
    expect(principalTypeOfToken(jwt({ roles: [], oid: "sp", idtyp: "app" }))).toBe("ServicePrincipal");
    expect(() => principalTypeOfToken("opaque")).toThrow(/not a JWT; set deployerPrincipalType/);
  });

  it("a propagation wait refuses a nonsensical duration", () => {
    expect(() => new PropagationWait("w", { seconds: -1 })).toThrow(
      /seconds \(-1\) must be a whole number from 0 to 600/,
    );
  });
});

describe("first deploy: data, network, images", () => {
  it("a locked Cosmos DB account keeps a replaced data-plane grant instead of failing to delete it", async () => {
    const rec = optionsRecorder();
    await record(
      () =>
        new CosmosDb(
          "cosmos",
          {
            resourceGroupName: "rg",
            location: "westeurope",
            lock: { kind: "CanNotDelete" },
            dataPlaneRoleAssignments: [{ principalId: "p", role: "contributor" }],
          },
          { transformations: [rec.transformation] },
        ),
    );
    const opts = rec.options.get("azure-native:cosmosdb:SqlResourceSqlRoleAssignment::cosmos-data-role-0") as
      pulumi.CustomResourceOptions | undefined;
    expect([opts?.retainOnDelete, opts?.deleteBeforeReplace]).toEqual([true, false]);
  });

  it("pins the NAT gateway to a zone when asked, instead of Azure's no-zone placement; its IP is zone-redundant", async () => {
    const { resources } = await record(
      () => new Network("net", { resourceGroupName: "rg", location: "westeurope", natGatewayZone: "1" }),
    );
    expect(named(resources, "azure-native:network:NatGateway", "net-nat").inputs.zones).toEqual(["1"]);
    // A zonal gateway accepts a zone-redundant IP, which outlives any one zone (PSRule Azure.PublicIP.AvailabilityZone).
    expect(named(resources, "azure-native:network:PublicIPAddress", "net-egress-ip").inputs.zones).toEqual([
      "1",
      "2",
      "3",
    ]);
  });

  it("a docker build exports no registry cache by default (the default docker driver refuses it)", async () => {
    const { resources } = await record(
      () =>
        new ContainerImage("img", {
          mode: "docker",
          registry: { name: "acr", resourceGroupName: "rg", loginServer: "acr.azurecr.io" },
          repository: "inference",
          tag: "t",
          dockerfile: "Dockerfile",
          contextPath: "/repo",
          tenantId: "t",
          tokenExchange: async () => "token",
        }),
    );
    const build = named(resources, "docker-build:index:Image", "img-build");
    expect(build.inputs.cacheTo).toEqual([]);
    expect(build.inputs.cacheFrom).toHaveLength(1);
  });
});

describe("first deploy: pure pieces", () => {
  it("serving capacity leaves room for one surge pod", () => {
    expect([gpusPerNode("Standard_NC24ads_A100_v4"), servingCapacity("Standard_NC24ads_A100_v4", 4)]).toEqual([1, 3]);
    expect(servingCapacity("Standard_NC96ads_A100_v4", 2)).toBe(7);
    expect(gpusPerNode("Standard_NX_unknown")).toBe(1);
  });

  it("turns on annotation scraping for exactly the platform namespace", () => {
    expect(amaMetricsSettingsData(["ai-platform"])).toEqual({
      "schema-version": "v1",
      "config-version": "ver1",
      "pod-annotation-based-scraping": 'podannotationnamespaceregex = "^ai-platform$"',
    });
    expect(() => amaMetricsSettingsData([])).toThrow(/at least one/);
  });

  it("the demo bootstrap ingests, trains and promotes the version it trained", () => {
    const script = demoBootstrapScript({
      serviceAccountName: "training",
      datasetFile: "services/training/datasets/iris.csv",
      dataset: "iris",
      label: "species",
      model: "iris",
      alias: "production",
    });
    const lines = script.split("\n");
    expect(lines[0]).toBe("set -eu");
    expect(lines[1]).toMatch(
      / ingest --file services\/training\/datasets\/iris\.csv --dataset iris --label species --rejected \/tmp\//,
    );
    expect(lines[2]).toMatch(/^version=\$\(.* train --dataset iris --model iris --json \| node -e /);
    expect(lines[3]).toMatch(/ promote iris "\$version" --alias production$/);
    expect(() =>
      demoBootstrapScript({
        serviceAccountName: "t",
        datasetFile: "a;rm",
        dataset: "d",
        label: "l",
        model: "m",
        alias: "a",
      }),
    ).toThrow(/datasetFile .* unsafe characters/);
  });
});
