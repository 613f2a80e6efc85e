/**
 * The first-deploy preflight on every shipped stack (and the longest names the config accepts), and one or
 * more seeded defects per rule class: each defect is put back into a real plan and must be reported with the
 * right rule on the right resource.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { planStackResult } from "../../tools/plan/plan";
import type { PlanResult, PlannedResource } from "../../tools/plan/types";
import { advisories } from "../../tools/preflight/advisories";
import { nameRules } from "../../tools/preflight/name-rules";
import { buildKitOnlyLines } from "../../tools/preflight/rules-combinations";
import { preflightPlan, renderFindings } from "../../tools/preflight/run";
import type { Finding } from "../../tools/preflight/types";

const bin = path.join(__dirname, "..", "..", "cli", "ai-platform.mjs");
/** The longest names the config accepts: an 8-character prefix and the longest environment. */
const LONGEST = { stack: "staging", config: { namePrefix: "abcdefgh" } };
/** The first phase of prod's first deploy: everything but the workloads, from outside the VNet. */
const PROD_INFRASTRUCTURE = { workloadsEnabled: "false", deploymentRunner: "outside-vnet" };
const plans: Record<string, PlanResult> = {};

beforeAll(async () => {
  for (const stack of ["dev", "staging", "prod"]) plans[stack] = await planStackResult(stack);
  plans.longest = await planStackResult(LONGEST.stack, { config: LONGEST.config });
  plans["prod-infrastructure"] = await planStackResult("prod", { config: PROD_INFRASTRUCTURE });
}, 240_000);

const clone = (stack: string): PlanResult => structuredClone(plans[stack]!);
const find = (plan: PlanResult, type: string, name: RegExp): PlannedResource => {
  const found = plan.resources.find((r) => r.type === type && name.test(r.name));
  if (found === undefined) throw new Error(`no ${type} ${name}`);
  return found;
};
const rules = (findings: Finding[]) => findings.map((f) => `${f.rule} ${f.resource}`).sort();

describe("preflight on the shipped stacks", () => {
  it.each(["dev", "staging", "prod", "longest", "prod-infrastructure"])("%s: no findings", (stack) => {
    const findings = preflightPlan(plans[stack]!);
    expect(findings, renderFindings(findings)).toEqual([]);
  });

  it("an empty registry does not fail the first up: inference is not awaited; dev bootstraps a model", () => {
    for (const stack of ["dev", "staging", "prod"]) {
      const deployment = find(plans[stack]!, "kubernetes:apps/v1:Deployment", /inference/);
      expect((deployment.inputs.metadata as any).annotations).toEqual({ "pulumi.com/skipAwait": "true" });
      const settings = find(plans[stack]!, "kubernetes:core/v1:ConfigMap", /scraping/);
      expect(settings.inputs.metadata).toEqual({ name: "ama-metrics-settings-configmap", namespace: "kube-system" });
    }
    const jobs = (stack: string) =>
      plans[stack]!.resources.filter((r) => r.type === "kubernetes:batch/v1:Job" && /bootstrap/.test(r.name));
    expect([jobs("dev").length, jobs("staging").length, jobs("prod").length]).toEqual([1, 0, 0]);
    const pod = (jobs("dev")[0]!.inputs.spec as any).template.spec;
    expect(pod.serviceAccountName).toBe("training");
    expect(pod.containers[0].command).toEqual(["/bin/sh", "-c"]);
    expect(pod.containers[0].args[0]).toMatch(/ promote iris "\$version" --alias production$/);
    expect(plans["prod-infrastructure"]!.resources.filter((r) => r.type.startsWith("kubernetes:"))).toEqual([]);
  });

  it("the longest stack really has the longest names", () => {
    expect(plans.longest!.resources.map((r) => r.name)).toContain("abcdefgh-staging-aks-aks");
  });

  it("every azure-native type in any plan has a naming rule or an explicit no-rule entry", () => {
    const types = new Set(
      Object.values(plans).flatMap((p) => p.resources.map((r) => r.type).filter((t) => t.startsWith("azure-native:"))),
    );
    expect([...types].filter((t) => nameRules[t] === undefined)).toEqual([]);
  });

  it("plan JSON carries dependsOn, parent and physical names", () => {
    const dce = find(plans.prod!, "azure-native:monitor:DataCollectionEndpoint", /-dce$/);
    expect(dce.physicalName).toEqual({
      kind: "explicit",
      property: "dataCollectionEndpointName",
      value: "aip-prod-aks-monitoring-dce",
    });
    expect(dce.parent).toBe("aip-prod-aks-monitoring");
    const cluster = find(plans.prod!, "azure-native:containerservice:ManagedCluster", /./);
    expect(cluster.physicalName).toEqual({
      kind: "auto",
      property: "resourceName",
      pattern: "aip-prod-aks-aks########",
      length: 24,
    });
    expect(cluster.dependsOn).toEqual(["pulumi-nodejs:dynamic:Resource::aip-prod-aks-subnet-grants-wait"]);
  });
});

describe("seeded defects: names", () => {
  it("an auto-named data collection endpoint longer than 44 characters", () => {
    const plan = clone("longest");
    const dce = find(plan, "azure-native:monitor:DataCollectionEndpoint", /-dce$/);
    delete dce.inputs.dataCollectionEndpointName;
    delete dce.physicalName;
    const findings = preflightPlan(plan);
    expect(rules(findings)).toEqual([
      `names/azure-naming-rules azure-native:monitor:DataCollectionEndpoint::${dce.name}`,
    ]);
    expect(findings[0]!.why).toMatch(/^auto-name ".*" \+ 8 random characters: 54 characters, outside 3-44/);
  });

  it("an explicit Key Vault name with a double hyphen, and a type with no rule entry", () => {
    const plan = clone("dev");
    const vault = find(plan, "azure-native:keyvault:Vault", /./);
    vault.inputs.vaultName = "aip--dev";
    delete vault.physicalName;
    plan.resources.push({ type: "azure-native:web:WebApp", name: "x", inputs: {} });
    expect(rules(preflightPlan(plan))).toEqual([
      `names/azure-naming-rules azure-native:keyvault:Vault::${vault.name}`,
      "names/rule-known azure-native:web:WebApp::x",
    ]);
  });
});

describe("seeded defects: grants", () => {
  it("no Network Contributor on the GPU subnet", () => {
    const plan = clone("prod");
    plan.resources = plan.resources.filter(
      (r) =>
        !(r.type === "azure-native:authorization:RoleAssignment" && String(r.inputs.scope).endsWith("/subnets/gpu")),
    );
    expect(rules(preflightPlan(plan))).toEqual([
      "grants/subnet-join azure-native:containerservice:AgentPool::aip-prod-aks-gpu-pool",
    ]);
  });

  it("a grant used with no propagation wait", () => {
    const plan = clone("prod");
    find(plan, "azure-native:containerservice:ManagedCluster", /./).dependsOn = [];
    const found = rules(preflightPlan(plan));
    expect(found).toContain("grants/propagation-wait azure-native:containerservice:ManagedCluster::aip-prod-aks-aks");
  });

  it("deployer grants hard-coded as ServicePrincipal for a user deployer", () => {
    const plan = clone("dev");
    const deployerGrants = plan.resources.filter(
      (r) =>
        r.type === "azure-native:authorization:RoleAssignment" &&
        r.inputs.principalId === "22222222-2222-2222-2222-222222222222",
    );
    expect(deployerGrants).toHaveLength(2); // AcrPush (docker mode) and AKS RBAC Cluster Admin
    for (const g of deployerGrants) g.inputs.principalType = "ServicePrincipal";
    expect(rules(preflightPlan(plan))).toEqual(
      deployerGrants.map((g) => `grants/principal-type azure-native:authorization:RoleAssignment::${g.name}`).sort(),
    );
  });

  it("a workload identity without its Cosmos DB data-plane role", () => {
    const plan = clone("staging");
    const [first] = plan.resources.filter((r) => r.type === "azure-native:cosmosdb:SqlResourceSqlRoleAssignment");
    plan.resources = plan.resources.filter((r) => r !== first);
    const findings = preflightPlan(plan);
    expect(findings.map((f) => f.rule)).toEqual(["grants/workload-data-plane"]);
    expect(findings[0]!.why).toMatch(/lacks a Cosmos DB data-plane role/);
  });
});

describe("seeded defects: combinations", () => {
  it("Defender pointed at the local-auth-disabled workspace", () => {
    const plan = clone("prod");
    const workspace = find(plan, "azure-native:operationalinsights:Workspace", /./);
    const cluster = find(plan, "azure-native:containerservice:ManagedCluster", /./);
    (cluster.inputs.securityProfile as any).defender.logAnalyticsWorkspaceResourceId = workspace.computed!.id;
    expect(rules(preflightPlan(plan))).toEqual([
      "combinations/defender-local-auth-workspace azure-native:containerservice:ManagedCluster::aip-prod-aks-aks",
    ]);
  });

  it("an HPA maximum the GPU pool cannot run with a surge pod", () => {
    const plan = clone("prod");
    const hpa = find(plan, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler", /./);
    (hpa.inputs.spec as any).maxReplicas = 6;
    const findings = preflightPlan(plan);
    expect(rules(findings)).toEqual([
      `combinations/gpu-capacity-hpa kubernetes:autoscaling/v2:HorizontalPodAutoscaler::${hpa.name}`,
    ]);
    expect(findings[0]!.why).toMatch(/maxReplicas 6 \+ surge 1 need 7 GPUs; pool gpu has at most 4/);
  });

  it("zone-spread pools behind a no-zone NAT gateway", () => {
    const plan = clone("prod");
    const nat = find(plan, "azure-native:network:NatGateway", /./);
    delete nat.inputs.zones;
    expect(rules(preflightPlan(plan))).toEqual([
      `combinations/zone-redundant-egress azure-native:network:NatGateway::${nat.name}`,
    ]);
  });

  it("authorized ranges on a private cluster, and a NAT egress missing from a public API server's ranges", () => {
    const prod = clone("prod");
    (
      find(prod, "azure-native:containerservice:ManagedCluster", /./).inputs.apiServerAccessProfile as any
    ).authorizedIPRanges = ["203.0.113.0/24"];
    expect(rules(preflightPlan(prod))).toEqual([
      "combinations/authorized-ranges-private-cluster azure-native:containerservice:ManagedCluster::aip-prod-aks-aks",
    ]);
    const dev = clone("dev");
    (
      find(dev, "azure-native:containerservice:ManagedCluster", /./).inputs.apiServerAccessProfile as any
    ).authorizedIPRanges = ["203.0.113.0/24"];
    expect(rules(preflightPlan(dev))).toEqual([
      "combinations/nat-egress-authorized-ranges azure-native:containerservice:ManagedCluster::aip-dev-aks-aks",
    ]);
  });

  it("BuildKit-only Dockerfile syntax built by an ACR Tasks quick build", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-"));
    try {
      const plan = clone("staging");
      const run = find(plan, "azure-native:containerregistry:TaskRun", /training/);
      (run.inputs.runRequest as any).dockerFilePath = "Dockerfile";
      fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM node:24\nRUN --mount=type=cache,target=/root/.npm npm ci\n");
      const findings = preflightPlan(plan, dir);
      expect(rules(findings)).toEqual([
        `combinations/buildkit-acr-quick-build azure-native:containerregistry:TaskRun::${run.name}`,
      ]);
      expect(findings[0]!.why).toMatch(/line 2: RUN --mount/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(buildKitOnlyLines("COPY --link a b\nRUN echo hi\nRUN <<EOF\n")).toEqual([
      "line 1: COPY/ADD --link/--chmod/--parents/--exclude",
      "line 3: heredoc",
    ]);
  });
});

describe("seeded defects: ordering", () => {
  it("agent pools created concurrently, and maintenance configurations racing the pools", () => {
    const plan = clone("prod");
    // As reviewed: both pools wait for the cluster only.
    find(plan, "ai-platform:compute:GpuNodePool", /./).dependsOn = [
      "azure-native:containerservice:ManagedCluster::aip-prod-aks-aks",
    ];
    for (const m of plan.resources.filter((r) => r.type === "azure-native:containerservice:MaintenanceConfiguration"))
      m.dependsOn = [];
    expect(rules(preflightPlan(plan))).toEqual([
      "ordering/agent-pools-serialized azure-native:containerservice:AgentPool::aip-prod-aks-gpu-pool",
      "ordering/maintenance-after-pools azure-native:containerservice:MaintenanceConfiguration::aip-prod-aks-aksManagedAutoUpgradeSchedule",
      "ordering/maintenance-after-pools azure-native:containerservice:MaintenanceConfiguration::aip-prod-aks-aksManagedNodeOSUpgradeSchedule",
    ]);
  });
});

describe("npx ai-platform preflight", () => {
  it("exits non-zero with the table and the JSON when a setting contradicts the deployer", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-cli-"));
    try {
      const json = path.join(dir, "findings.json");
      // The plan's deployer is a signed-in user: declaring it a service principal is UnmatchedPrincipalType.
      const run = spawnSync(
        process.execPath,
        [bin, "preflight", "--stack", "dev", "--json", json, "-c", "deployerPrincipalType=ServicePrincipal"],
        { encoding: "utf8", timeout: 120_000 },
      );
      expect(run.status, run.stderr).toBe(1);
      expect(run.stdout).toMatch(/^preflight ai-platform-dev: \d+ planned resources, 2 findings$/m);
      expect(run.stdout).toMatch(
        /rule: grants\/principal-type\n\s+why: {2}principalType ServicePrincipal for a deployer/,
      );
      const written = JSON.parse(fs.readFileSync(json, "utf8")) as { findings: Finding[] };
      expect(written.findings.map((f) => f.rule)).toEqual(["grants/principal-type", "grants/principal-type"]);
      expect(written.findings[0]!.source).toMatch(/^https:\/\/learn\.microsoft\.com\//);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);
});

describe("advisories: Azure limits reported at plan time", () => {
  it("names the TaskRun polling risk, GPU quota and zones, and capacity-gated settings, each with a fallback", () => {
    const notes = advisories(plans.prod!);
    expect(notes.map((a) => a.resource.split("::")[0]).sort()).toEqual([
      "azure-native:containerregistry:TaskRun",
      "azure-native:containerregistry:TaskRun",
      "azure-native:containerservice:AgentPool",
      "azure-native:containerservice:AgentPool",
      "azure-native:containerservice:ManagedCluster",
    ]);
    expect(notes.every((a) => a.fallback.length > 0 && a.source.startsWith("https://"))).toBe(true);
    const zonal = clone("prod");
    (find(zonal, "azure-native:cosmosdb:DatabaseAccount", /./).inputs.locations as any)[0].isZoneRedundant = true;
    expect(advisories(zonal).find((a) => a.resource.startsWith("azure-native:cosmosdb"))?.fallback).toMatch(
      /cosmosZoneRedundant=false/,
    );
  });
});
