/**
 * Every stacks/Pulumi.<env>.yaml planned with the real program under mocks (as `npm run plan` does),
 * and the shape each environment must have asserted exactly.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { planStackResult, type PlanResult, type PlannedResource } from "../../tools/plan/plan";
import { fakeGuid } from "../support/pulumi-mocks";

const plans: Record<string, PlanResult> = {};
/** Every stack file in stacks/: a new one is planned (and must pass the shared checks) without editing this test. */
const stacks = fs
  .readdirSync(path.join(__dirname, "..", "..", "stacks"))
  .flatMap((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1] ?? [])
  .sort();

beforeAll(async () => {
  // Sequential: each plan is its own Node process and the machine is shared.
  for (const stack of stacks) plans[stack] = await planStackResult(stack);
}, 180_000);

it("finds the three environments' stack files", () => {
  expect(stacks).toEqual(["dev", "prod", "staging"]);
});

const of = (stack: string, type: string): PlannedResource[] => plans[stack]!.resources.filter((r) => r.type === type);
const one = (stack: string, type: string): PlannedResource => {
  const found = of(stack, type);
  expect(found, `${stack}: one ${type}`).toHaveLength(1);
  return found[0]!;
};

describe.each(stacks)("stack %s", (stack) => {
  it("plans the whole platform under one AiPlatform component", () => {
    const top = plans[stack]!.resources.filter((r) => r.parent === undefined);
    expect(top.map((r) => `${r.type} ${r.name}`)).toEqual([`ai-platform:index:AiPlatform aip-${stack}`]);
    for (const type of [
      "azure-native:network:VirtualNetwork",
      "azure-native:cosmosdb:DatabaseAccount",
      "azure-native:storage:StorageAccount",
      "azure-native:containerregistry:Registry",
      "azure-native:keyvault:Vault",
    ])
      one(stack, type);
  });

  it("puts every data service behind a private endpoint registered in its private DNS zone", () => {
    const groupIds = of(stack, "azure-native:network:PrivateEndpoint")
      .flatMap((pe) => (pe.inputs.privateLinkServiceConnections as { groupIds: string[] }[]).flatMap((c) => c.groupIds))
      .sort();
    expect(groupIds).toEqual(["Sql", "blob", "registry", "vault"]);
    expect(of(stack, "azure-native:network:PrivateDnsZoneGroup")).toHaveLength(4);
    expect(one(stack, "azure-native:cosmosdb:DatabaseAccount").inputs).toMatchObject({
      publicNetworkAccess: "Disabled",
      disableLocalAuth: true,
    });
    expect(one(stack, "azure-native:keyvault:Vault").inputs.properties).toMatchObject({
      publicNetworkAccess: "Disabled",
      enableRbacAuthorization: true,
      enablePurgeProtection: true,
    });
  });

  it("sends every data service's logs and metrics to the platform's Log Analytics workspace", () => {
    // The platform workspace; Defender has its own (local auth, Defender telemetry only).
    const workspace = of(stack, "azure-native:operationalinsights:Workspace").find((w) =>
      w.name.endsWith("-mon-logs"),
    )!;
    const settings = of(stack, "azure-native:monitor:DiagnosticSetting");
    const workspaceIds = new Set(settings.map((d) => d.inputs.workspaceId));
    expect([...workspaceIds]).toEqual([
      `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-aip-${stack}/providers/Microsoft.Operationalinsights/workspaces/${workspace.name}`,
    ]);
    const uris = settings.map((d) => String(d.inputs.resourceUri));
    for (const kind of [
      "Cosmosdb/databaseAccounts",
      "Storage/storageAccounts",
      "Keyvault/vaults",
      "Containerregistry/registrys",
    ]) {
      expect(
        uris.filter((u) => new RegExp(`/providers/Microsoft\\.${kind.replace("/", "\\/")}/[^/]+$`).test(u)),
        kind,
      ).toHaveLength(1);
    }
    expect(uris.filter((u) => u.endsWith("/blobServices/default"))).toHaveLength(1);
  });

  it("outputs digest-pinned images and no secret in plain text", () => {
    const outputs = plans[stack]!.outputs as { images: { inference: string; training: string } };
    expect(outputs.images.inference).toMatch(/^[a-z0-9]+\.azurecr\.io\/inference(-cuda)?@sha256:[0-9a-f]{64}$/);
    expect(outputs.images.training).toMatch(/^[a-z0-9]+\.azurecr\.io\/training@sha256:[0-9a-f]{64}$/);
    expect(JSON.stringify(outputs)).not.toMatch(
      /InstrumentationKey=|AccountKey=|password|refresh_token|BEGIN .*PRIVATE KEY/i,
    );
  });
});

describe.each(stacks)("stack %s workloads", (stack) => {
  it("runs inference and training as federated identities with digest-pinned images, through an explicit provider", () => {
    const outputs = plans[stack]!.outputs as { images: { inference: string; training: string }; kubeconfig: string };
    expect(outputs.kubeconfig).toBe("[secret]");
    const deployment = one(stack, "kubernetes:apps/v1:Deployment");
    const container = (deployment.inputs.spec as any).template.spec.containers[0];
    expect(container.image).toBe(outputs.images.inference);
    const cron = one(stack, "kubernetes:batch/v1:CronJob");
    expect((cron.inputs.spec as any).jobTemplate.spec.template.spec.containers[0].image).toBe(outputs.images.training);
    // AiPlatformArgs.workloads.trainingSchedule's documented default: daily at 03:00 UTC.
    expect([(cron.inputs.spec as any).schedule, (cron.inputs.spec as any).timeZone]).toEqual(["0 3 * * *", "Etc/UTC"]);
    const subjects = of(stack, "azure-native:managedidentity:FederatedIdentityCredential")
      .map((f) => f.inputs.subject)
      .sort();
    expect(subjects).toEqual([
      "system:serviceaccount:ai-platform:inference",
      "system:serviceaccount:ai-platform:training",
    ]);
    const identities = of(stack, "azure-native:managedidentity:UserAssignedIdentity").filter(
      (i) => i.parent === `aip-${stack}-id-inference` || i.parent === `aip-${stack}-id-training`,
    );
    expect(identities).toHaveLength(2);
    const accounts = of(stack, "kubernetes:core/v1:ServiceAccount")
      .map((sa) => (sa.inputs.metadata as any).annotations["azure.workload.identity/client-id"])
      .sort();
    // The mocks derive each identity's client id from its logical name.
    expect(accounts).toEqual(identities.map((i) => fakeGuid(`client:${i.name}`)).sort());
    const provider = one(stack, "pulumi:providers:kubernetes");
    const k8s = plans[stack]!.resources.filter((r) => r.type.startsWith("kubernetes:"));
    expect(k8s.length).toBeGreaterThan(8);
    expect(provider.parent).toBe(`aip-${stack}-workloads`);
    const dataRoles = of(stack, "azure-native:cosmosdb:SqlResourceSqlRoleAssignment");
    expect(dataRoles.map((r) => String(r.inputs.roleDefinitionId).split("/").pop())).toEqual([
      "00000000-0000-0000-0000-000000000002",
      "00000000-0000-0000-0000-000000000002",
    ]);
  });
});

describe("environments differ where real environments differ", () => {
  it("dev: public API server limited to the authorized ranges; prod: private cluster with VNet integration", () => {
    // dev has no VNet integration: its nodes reach the API server from the NAT egress IP, which is authorized too.
    const egress = one("dev", "azure-native:network:PublicIPAddress");
    const egressIp = `198.51.100.${(parseInt(fakeGuid(`ip:${egress.name}`).slice(0, 2), 16) % 254) + 1}`;
    expect(one("dev", "azure-native:containerservice:ManagedCluster").inputs.apiServerAccessProfile).toMatchObject({
      enablePrivateCluster: false,
      authorizedIPRanges: ["203.0.113.0/24", `${egressIp}/32`],
    });
    expect(one("staging", "azure-native:containerservice:ManagedCluster").inputs.apiServerAccessProfile).toMatchObject({
      enablePrivateCluster: false,
      enableVnetIntegration: true,
      authorizedIPRanges: ["203.0.113.0/24"],
    });
    expect(one("prod", "azure-native:containerservice:ManagedCluster").inputs.apiServerAccessProfile).toMatchObject({
      enablePrivateCluster: true,
      enableVnetIntegration: true,
      disableRunCommand: true,
    });
  });

  it("GPU pool: only where a workload uses it (prod); separate, autoscaled from 0, tainted", () => {
    const pool = (stack: string) =>
      of(stack, "azure-native:containerservice:AgentPool").find((p) => p.parent === `aip-${stack}-aks-gpu`);
    expect([pool("dev"), pool("staging")]).toEqual([undefined, undefined]);
    expect(pool("prod")!.inputs).toMatchObject({
      minCount: 0,
      maxCount: 4,
      enableAutoScaling: true,
      scaleSetPriority: "Regular",
      vmSize: "Standard_NC24ads_A100_v4",
      nodeTaints: ["sku=gpu:NoSchedule"],
    });
    expect(String(pool("prod")!.inputs.vnetSubnetID)).toMatch(/\/subnets\/gpu$/);
  });

  it("prod serves on the GPU pool from the CUDA image", () => {
    const container = (one("prod", "kubernetes:apps/v1:Deployment").inputs.spec as any).template.spec.containers[0];
    expect(container.image).toMatch(/\/inference-cuda@sha256:/);
    expect(container.resources.limits["nvidia.com/gpu"]).toBe("1");
    expect(of("prod", "kubernetes:apps/v1:DaemonSet")).toHaveLength(1);
  });

  it("dev: public registry pushed by a local docker build with the deployer's AcrPush; no locks", () => {
    expect(one("dev", "azure-native:containerregistry:Registry").inputs).toMatchObject({
      publicNetworkAccess: "Enabled",
      networkRuleSet: { defaultAction: "Deny", ipRules: [{ iPAddressOrRange: "203.0.113.0/24", action: "Allow" }] },
    });
    expect(of("dev", "docker-build:index:Image")).toHaveLength(2);
    expect(of("dev", "azure-native:containerregistry:TaskRun")).toHaveLength(0);
    expect(of("dev", "azure-native:authorization:ManagementLockByScope")).toHaveLength(0);
  });

  it("staging and prod: private registry, ACR Tasks on an agent pool in the VNet's agents subnet", () => {
    for (const stack of ["staging", "prod"]) {
      expect(one(stack, "azure-native:containerregistry:Registry").inputs.publicNetworkAccess).toBe("Disabled");
      const pool = one(stack, "azure-native:containerregistry:AgentPool");
      expect(String(pool.inputs.virtualNetworkSubnetResourceId)).toMatch(/\/subnets\/[^/]*agents[^/]*$/);
      const runs = of(stack, "azure-native:containerregistry:TaskRun");
      expect(runs.map((r) => (r.inputs.runRequest as { agentPoolName: string }).agentPoolName)).toEqual([
        "builders",
        "builders",
      ]);
      expect(of(stack, "docker-build:index:Image")).toHaveLength(0);
    }
    const dockerfiles = of("prod", "azure-native:containerregistry:TaskRun")
      .map((r) => (r.inputs.runRequest as { dockerFilePath: string }).dockerFilePath)
      .sort();
    expect(dockerfiles).toEqual(["services/inference/Dockerfile.cuda", "services/training/Dockerfile"]);
  });

  it("prod: CanNotDelete locks on every stateful resource", () => {
    const locks = of("prod", "azure-native:authorization:ManagementLockByScope");
    expect(locks.map((l) => l.inputs.level)).toEqual(locks.map(() => "CanNotDelete"));
    const scopes = locks.map((l) => String(l.inputs.scope)).sort();
    for (const kind of [
      "Microsoft.Cosmosdb/databaseAccounts",
      "Microsoft.Storage/storageAccounts",
      "Microsoft.Keyvault/vaults",
      "Microsoft.Containerregistry/registrys",
    ]) {
      expect(
        scopes.filter((s) => s.includes(`/providers/${kind}/`)),
        kind,
      ).toHaveLength(1);
    }
  });
});
