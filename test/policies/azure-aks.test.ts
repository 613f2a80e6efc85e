import { describe, expect, it } from "vitest";
import { mutate, rule, runRule } from "../support/policy-harness";
import { compliant } from "./fixtures";
import { mutationCases, unknownCases, type Mutation } from "./mutations";

const MC = "azure-native:containerservice:ManagedCluster";
const POOL = "azure-native:containerservice:AgentPool";

describe("AKS cluster rules", () => {
  mutationCases([
    ["azure-aks-rbac-enabled", MC, "enableRBAC", false, "enableRBAC is false."],
    [
      "azure-aks-entra-integration",
      MC,
      "aadProfile",
      undefined,
      "aadProfile is unset, so the cluster has no Microsoft Entra ID integration.",
    ],
    ["azure-aks-entra-integration", MC, "aadProfile.managed", false, "aadProfile.managed is false."],
    [
      "azure-aks-entra-integration",
      MC,
      "aadProfile.enableAzureRBAC",
      undefined,
      "aadProfile.enableAzureRBAC is unset.",
    ],
    ["azure-aks-local-accounts-disabled", MC, "disableLocalAccounts", undefined, "disableLocalAccounts is unset."],
    [
      "azure-aks-api-server-restricted",
      MC,
      "apiServerAccessProfile",
      undefined,
      "the API server is public and apiServerAccessProfile.authorizedIPRanges is empty.",
    ],
    [
      "azure-aks-api-server-restricted",
      MC,
      "apiServerAccessProfile",
      { enablePrivateCluster: false, authorizedIPRanges: ["0.0.0.0/0"] },
      "apiServerAccessProfile.authorizedIPRanges contains 0.0.0.0/0, which allows the whole internet.",
    ],
    ["azure-aks-network-policy", MC, "networkProfile.networkPolicy", "none", 'networkProfile.networkPolicy is "none".'],
    [
      "azure-aks-network-policy",
      MC,
      "networkProfile.networkPolicy",
      undefined,
      "networkProfile.networkPolicy is unset.",
    ],
    [
      "azure-aks-workload-identity",
      MC,
      "securityProfile.workloadIdentity.enabled",
      false,
      "securityProfile.workloadIdentity.enabled is false.",
    ],
    ["azure-aks-workload-identity", MC, "oidcIssuerProfile", undefined, "oidcIssuerProfile.enabled is unset."],
    [
      "azure-aks-azure-policy-addon",
      MC,
      "addonProfiles.azurepolicy.enabled",
      false,
      "the azurepolicy add-on is not enabled.",
    ],
    [
      "azure-aks-auto-upgrade",
      MC,
      "autoUpgradeProfile.upgradeChannel",
      "none",
      'autoUpgradeProfile.upgradeChannel is "none".',
    ],
    [
      "azure-aks-auto-upgrade",
      MC,
      "autoUpgradeProfile.nodeOSUpgradeChannel",
      "Unmanaged",
      'autoUpgradeProfile.nodeOSUpgradeChannel is "Unmanaged".',
    ],
    [
      "azure-aks-defender",
      MC,
      "securityProfile.defender",
      undefined,
      "securityProfile.defender.securityMonitoring.enabled is unset.",
    ],
    [
      "azure-aks-node-public-ip",
      MC,
      "agentPoolProfiles[0].enableNodePublicIP",
      true,
      "agentPoolProfiles[0] (system) sets enableNodePublicIP: true.",
    ],
    ["azure-aks-node-public-ip", POOL, "enableNodePublicIP", true, "agent pool gpu sets enableNodePublicIP: true."],
    [
      "azure-aks-gpu-pool-tainted",
      POOL,
      "nodeTaints",
      [],
      "agent pool gpu has GPU VM size Standard_NC4as_T4_v3 but no sku=gpu:NoSchedule taint.",
    ],
    ["azure-aks-gpu-pool-tainted", POOL, "mode", "System", "agent pool gpu is a GPU pool in mode System."],
    [
      "azure-aks-gpu-vm-size-allowed",
      POOL,
      "vmSize",
      "Standard_NV6",
      'agent pool gpu uses GPU VM size "Standard_NV6", which is not in allowedGpuVmSizes.',
    ],
  ] satisfies Mutation[]);
  unknownCases([
    ["azure-aks-local-accounts-disabled", MC, "disableLocalAccounts"],
    ["azure-aks-gpu-pool-tainted", POOL, "vmSize"],
  ]);

  it("flags an inline GPU system pool twice: no GPU taint, and mode System", async () => {
    const run = await runRule(
      rule("azure-aks-gpu-pool-tainted"),
      MC,
      mutate(compliant[MC]!, "agentPoolProfiles[0].vmSize", "Standard_NC24ads_A100_v4"),
    );
    expect(run.violations.map((m) => m.slice(0, m.indexOf(" Fix:")))).toEqual([
      "agentPoolProfiles[0] (system) has GPU VM size Standard_NC24ads_A100_v4 but no sku=gpu:NoSchedule taint.",
      "agentPoolProfiles[0] (system) is a GPU pool in mode System.",
    ]);
  });

  it("accepts the NVIDIA taint form and case-insensitive enum values", async () => {
    const pool = mutate(compliant[POOL]!, "nodeTaints", ["nvidia.com/gpu=present:NoSchedule"]);
    expect((await runRule(rule("azure-aks-gpu-pool-tainted"), POOL, pool)).violations).toEqual([]);
    const mc = mutate(compliant[MC]!, "networkProfile.networkPolicy", "Azure");
    expect((await runRule(rule("azure-aks-network-policy"), MC, mc)).violations).toEqual([]);
  });

  it("requires a private cluster when configured, and accepts authorised ranges otherwise", async () => {
    const ranged = mutate(compliant[MC]!, "apiServerAccessProfile", { authorizedIPRanges: ["203.0.113.0/24"] });
    const r = rule("azure-aks-api-server-restricted");
    expect((await runRule(r, MC, ranged)).violations).toEqual([]);
    const strict = await runRule(r, MC, ranged, { config: { requirePrivateCluster: true } });
    expect(strict.violations.map((m) => m.slice(0, m.indexOf(" Fix:")))).toEqual([
      "apiServerAccessProfile.enablePrivateCluster is not true and this environment requires a private cluster.",
    ]);
  });

  it("treats a CPU pool as out of scope for the GPU rules", async () => {
    const cpu = { ...compliant[POOL]!, vmSize: "Standard_D8ds_v5", nodeTaints: [], gpuProfile: undefined };
    delete (cpu as Record<string, unknown>).gpuProfile;
    for (const name of ["azure-aks-gpu-pool-tainted", "azure-aks-gpu-vm-size-allowed"])
      expect((await runRule(rule(name), POOL, cpu)).violations).toEqual([]);
  });
});
