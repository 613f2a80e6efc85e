/** The AKS rules that bring the pack to parity with PSRule for Azure (security and reliability). */
import { describe, expect, it } from "vitest";
import { mutate, rule, runRule, runStackRule, UNKNOWN, urnOf, type StackResourceSpec } from "../support/policy-harness";
import { compliant } from "./fixtures";
import { mutationCases, unknownCases, type Mutation } from "./mutations";

const MC = "azure-native:containerservice:ManagedCluster";
const POOL = "azure-native:containerservice:AgentPool";
const MAINT = "azure-native:containerservice:MaintenanceConfiguration";
const DIAG = "azure-native:monitor:DiagnosticSetting";

const problems = (violations: string[]) => violations.map((m) => m.slice(0, m.indexOf(" Fix: ")));

describe("AKS security rules from PSRule", () => {
  mutationCases([
    ["azure-aks-managed-identity", MC, "identity", undefined, "identity.type is unset."],
    ["azure-aks-managed-identity", MC, "identity.type", "None", 'identity.type is "None".'],
    [
      "azure-aks-secret-store",
      MC,
      "addonProfiles.azureKeyvaultSecretsProvider.enabled",
      false,
      "addonProfiles.azureKeyvaultSecretsProvider.enabled is false.",
    ],
    [
      "azure-aks-secret-rotation",
      MC,
      "addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation",
      "false",
      'addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation is "false".',
    ],
    [
      "azure-aks-http-app-routing-disabled",
      MC,
      "addonProfiles.httpApplicationRouting",
      { enabled: true },
      "addonProfiles.httpApplicationRouting.enabled is true.",
    ],
  ] satisfies Mutation[]);

  it("finds the HTTP routing add-on under any key case, and skips rotation without the secret store", async () => {
    const routing = mutate(compliant[MC]!, "addonProfiles.httpapplicationrouting", { enabled: true });
    expect(problems((await runRule(rule("azure-aks-http-app-routing-disabled"), MC, routing)).violations)).toEqual([
      "addonProfiles.httpapplicationrouting.enabled is true.",
    ]);
    const noStore = mutate(compliant[MC]!, "addonProfiles.azureKeyvaultSecretsProvider", { enabled: false });
    expect((await runRule(rule("azure-aks-secret-rotation"), MC, noStore)).violations).toEqual([]);
  });
});

describe("AKS reliability rules from PSRule", () => {
  mutationCases([
    [
      "azure-aks-availability-zones",
      MC,
      "agentPoolProfiles[0].availabilityZones",
      [],
      "agentPoolProfiles[0] (system) sets no availabilityZones.",
    ],
    ["azure-aks-availability-zones", POOL, "availabilityZones", undefined, "agent pool gpu sets no availabilityZones."],
    [
      "azure-aks-system-pool-min-nodes",
      MC,
      "agentPoolProfiles[0].count",
      1,
      "the system pools keep at least 1 node(s), fewer than 3.",
    ],
    ["azure-aks-user-pool-min-nodes", POOL, "minCount", 0, "agent pool gpu keeps at least 0 node(s), fewer than 3."],
    ["azure-aks-uptime-sla", MC, "sku.tier", "Free", 'sku.tier is "Free" (service default "Free").'],
    ["azure-aks-uptime-sla", MC, "sku", undefined, 'sku.tier is unset (service default "Free").'],
    ["azure-aks-version", MC, "kubernetesVersion", "1.29", "kubernetesVersion is 1.29, older than 1.32.5."],
    [
      "azure-aks-version",
      POOL,
      "orchestratorVersion",
      "1.32.4",
      "agent pool gpu orchestratorVersion is 1.32.4, older than 1.32.5.",
    ],
  ] satisfies Mutation[]);
  unknownCases([
    ["azure-aks-user-pool-min-nodes", POOL, "mode"],
    ["azure-aks-system-pool-min-nodes", MC, "agentPoolProfiles[0].mode"],
  ]);

  it("skips spot pools and non-scale-set pools, and reads count when the autoscaler is off", async () => {
    const spot = mutate(mutate(compliant[POOL]!, "minCount", 0), "scaleSetPriority", "Spot");
    expect((await runRule(rule("azure-aks-user-pool-min-nodes"), POOL, spot)).violations).toEqual([]);
    const fixed = mutate(mutate(compliant[POOL]!, "minCount", undefined), "count", 3);
    expect((await runRule(rule("azure-aks-user-pool-min-nodes"), POOL, fixed)).violations).toEqual([]);
    const avset = mutate(mutate(compliant[POOL]!, "availabilityZones", undefined), "type", "AvailabilitySet");
    expect((await runRule(rule("azure-aks-availability-zones"), POOL, avset)).violations).toEqual([]);
  });

  it("exempts a scale-from-zero GPU pool only by name, with its reason", async () => {
    const zero = mutate(compliant[POOL]!, "minCount", 0);
    const exemptions = [
      { pattern: ".*-gpu-pool", reason: "GPU pool scales from zero: no GPU is paid for while idle." },
    ];
    const exempt = await runRule(rule("azure-aks-user-pool-min-nodes"), POOL, zero, {
      name: "aip-prod-aks-gpu-pool",
      config: { exemptions },
    });
    expect(exempt).toEqual({ violations: [], notApplicable: [`exempt: ${exemptions[0]!.reason}`], unknown: [] });
    const other = await runRule(rule("azure-aks-user-pool-min-nodes"), POOL, zero, {
      name: "aip-prod-aks-cpu",
      config: { exemptions },
    });
    expect(other.violations).toHaveLength(1);
  });

  it("takes the minimum version and node counts from config; an unset version follows AKS", async () => {
    const v = rule("azure-aks-version");
    const old = mutate(compliant[MC]!, "kubernetesVersion", "1.33.1");
    expect(problems((await runRule(v, MC, old, { config: { minimumVersion: "1.33.2" } })).violations)).toEqual([
      "kubernetesVersion is 1.33.1, older than 1.33.2.",
    ]);
    expect((await runRule(v, MC, mutate(compliant[MC]!, "kubernetesVersion", "1.33"))).violations).toEqual([]);
    expect((await runRule(v, MC, mutate(compliant[MC]!, "kubernetesVersion", undefined))).violations).toEqual([]);
    const two = mutate(compliant[MC]!, "agentPoolProfiles[0].count", 2);
    const sys = rule("azure-aks-system-pool-min-nodes");
    expect((await runRule(sys, MC, two, { config: { minNodes: 2 } })).violations).toEqual([]);
  });
});

describe("AKS stack rules: maintenance window, pool version, audit logs", () => {
  const cluster: StackResourceSpec = { type: MC, name: "aks", props: compliant[MC]! };
  const maint = (configName: string): StackResourceSpec => ({
    type: MAINT,
    name: `aks-${configName}`,
    props: { resourceName: UNKNOWN.string, configName, maintenanceWindow: { durationHours: 4 } },
    dependsOn: { resourceName: ["aks"] },
  });
  const diag = (logs: unknown): StackResourceSpec => ({
    type: DIAG,
    name: "aks-diag",
    props: { resourceUri: UNKNOWN.string, workspaceId: UNKNOWN.string, logs },
    dependsOn: { resourceUri: ["aks"] },
  });

  it("azure-aks-maintenance-window: both schedules present passes; a missing one is named", async () => {
    const r = rule("azure-aks-maintenance-window");
    const both = [cluster, maint("aksManagedAutoUpgradeSchedule"), maint("aksManagedNodeOSUpgradeSchedule")];
    expect((await runStackRule(r, both)).violations).toEqual([]);
    const one = await runStackRule(r, [cluster, maint("aksManagedAutoUpgradeSchedule")]);
    expect(problems(one.violations)).toEqual(["aks has no maintenance configuration aksManagedNodeOSUpgradeSchedule."]);
    expect(one.urns).toEqual([urnOf(cluster)]);
    // A configName unknown at preview could be the missing schedule: no violation, and the rule still runs.
    const unknownName = { ...maint("x"), props: { ...maint("x").props, configName: UNKNOWN.string } };
    const preview = await runStackRule(r, [cluster, maint("aksManagedAutoUpgradeSchedule"), unknownName]);
    expect(preview).toEqual({ violations: [], notApplicable: [], unknown: [], urns: [] });
  });

  it("azure-aks-pool-version: a pool pinned to another minor version fails, a patch of the same passes", async () => {
    const r = rule("azure-aks-pool-version");
    const pool = (orchestratorVersion: string): StackResourceSpec => ({
      type: POOL,
      name: "aks-gpu",
      props: { ...compliant[POOL]!, resourceName: UNKNOWN.string, orchestratorVersion },
      dependsOn: { resourceName: ["aks"] },
    });
    expect((await runStackRule(r, [cluster, pool("1.33.2")])).violations).toEqual([]);
    const behind = await runStackRule(r, [cluster, pool("1.32")]);
    expect(problems(behind.violations)).toEqual(["aks-gpu runs 1.32, its cluster aks 1.33."]);
    const inline = mutate(compliant[MC]!, "agentPoolProfiles[0].orchestratorVersion", "1.31");
    expect(problems((await runStackRule(r, [{ ...cluster, props: inline }])).violations)).toEqual([
      "agent pool system runs 1.31, the cluster 1.33.",
    ]);
  });

  it("azure-aks-audit-logs: needs kube-audit(-admin) and guard, or the audit/allLogs group", async () => {
    const r = rule("azure-aks-audit-logs");
    const log = (category: string) => ({ category, enabled: true });
    expect((await runStackRule(r, [cluster, diag([log("kube-audit-admin"), log("guard")])])).violations).toEqual([]);
    expect((await runStackRule(r, [cluster, diag([{ categoryGroup: "audit", enabled: true }])])).violations).toEqual(
      [],
    );
    expect(
      problems((await runStackRule(r, [cluster, diag([log("kube-apiserver"), log("guard")])])).violations),
    ).toEqual(["the diagnostic settings of aks do not enable kube-audit(-admin)."]);
    expect(
      problems(
        (await runStackRule(r, [cluster, diag([{ category: "guard", enabled: false }, log("kube-audit")])])).violations,
      ),
    ).toEqual(["the diagnostic settings of aks do not enable guard."]);
    expect(problems((await runStackRule(r, [cluster])).violations)).toEqual([
      "the diagnostic settings of aks do not enable kube-audit(-admin) or guard.",
    ]);
    // A log list unknown at preview counts as not enabled; the rule still runs.
    expect((await runStackRule(r, [cluster, diag(UNKNOWN.array)])).unknown).toEqual([]);
  });
});
