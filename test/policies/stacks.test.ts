import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PACK_NAME, PACK_VERSION } from "../../policies/pack";
import { rules } from "../../policies/rules";
import { runCheck } from "../../tools/check/run";
import { evaluate } from "../../tools/check/engine";
import { loadPackConfig } from "../../tools/check/pack-config";
import { planStackResult } from "../../tools/plan/plan";
import { type CheckResource } from "../../tools/check/types";

const root = join(__dirname, "..", "..");
const plans = new Map<string, ReturnType<typeof planStackResult>>();
/** Each stack is planned once per run (planning takes seconds). */
const planOf = (stack: string) => {
  if (!plans.has(stack)) plans.set(stack, planStackResult(stack));
  return plans.get(stack)!;
};
const config = (env: string) => loadPackConfig(join(root, "policies", "config", `${env}.json`), rules);
const check = (resources: readonly CheckResource[], env: string, stack: string) =>
  evaluate({ resources, policies: rules, config: config(env), packName: PACK_NAME, packVersion: PACK_VERSION, stack });

/** Violations and unknowns (not remediations or exemptions), as compact strings for exact comparison. */
function problems(result: Awaited<ReturnType<typeof check>>): string[] {
  return result.findings
    .filter((f) => f.kind === "violation" || f.kind === "unknown")
    .map((f) => `${f.policy} ${f.resource} ${f.kind} ${f.level}: ${f.message}`);
}

/** Exemptions as `rule resource`, the NVIDIA device plugin DaemonSet shortened to `device-plugin`. */
function exemptions(result: Awaited<ReturnType<typeof check>>): string[] {
  return result.findings
    .filter((f) => f.kind === "exempt")
    .map((f) => `${f.policy} ${/-nvidia-device-plugin$/.test(f.resource) ? "device-plugin" : f.resource}`)
    .sort();
}

/** The NVIDIA device plugin needs these four exemptions wherever it runs. */
const DEVICE_PLUGIN_EXEMPTIONS = [
  "k8s-images-from-allowed-registries device-plugin",
  "k8s-no-host-access device-plugin",
  "k8s-probes device-plugin",
  "k8s-run-as-non-root device-plugin",
];

/**
 * What each stack deliberately does not meet, as `rule resource level`: prod nothing; dev and staging only
 * reliability rules (advisory there) and, in dev, the export policy a public registry cannot disable.
 */
const ADVISORY: Record<string, string[]> = {
  prod: [],
  staging: ["azure-aks-system-pool-min-nodes aip-staging-aks-aks advisory"],
  dev: [
    "azure-acr-export-disabled aip-dev-acr-registry advisory",
    "azure-aks-availability-zones aip-dev-aks-aks advisory",
    "azure-aks-availability-zones aip-dev-aks-cpu advisory",
    "azure-aks-system-pool-min-nodes aip-dev-aks-aks advisory",
    "azure-aks-uptime-sla aip-dev-aks-aks advisory",
    "azure-aks-user-pool-min-nodes aip-dev-aks-cpu advisory",
    "azure-log-replication aip-dev-mon-defender advisory",
    "azure-log-replication aip-dev-mon-logs advisory",
    "azure-public-ip-zone-redundant aip-dev-net-egress-ip advisory",
    "azure-storage-replication aip-dev-models-account advisory",
  ],
};

/** Exemptions beyond the device plugin's, each with its reason in the stack's config. */
const EXEMPT: Record<string, string[]> = {
  prod: [
    "azure-aks-user-pool-min-nodes aip-prod-aks-gpu-pool",
    "azure-log-replication aip-prod-mon-defender",
    "azure-log-replication aip-prod-mon-logs",
  ],
  staging: [
    "azure-aks-user-pool-min-nodes aip-staging-aks-gpu-pool",
    "azure-log-replication aip-staging-mon-defender",
    "azure-log-replication aip-staging-mon-logs",
  ],
  dev: [],
};

describe("every shipped stack passes the pack", () => {
  it.each(["dev", "staging", "prod"])(
    "%s: no mandatory violation or unknown under its own config; exactly the expected advisory findings and exemptions",
    async (stack) => {
      const plan = await planOf(stack);
      expect(plan.resources.length).toBeGreaterThan(20);
      const result = await check(plan.resources, stack, stack);
      expect(result.findings.filter((f) => f.kind === "unknown")).toEqual([]);
      expect(result.mandatory).toBe(0);
      expect(
        result.findings
          .filter((f) => f.kind === "violation")
          .map((f) => `${f.policy} ${f.resource} ${f.level}`)
          .sort(),
      ).toEqual(ADVISORY[stack]);
      const hasDevicePlugin = plan.resources.some((r) => /-nvidia-device-plugin$/.test(r.name));
      const hasGpuPool = plan.resources.some((r) => /-gpu-pool$/.test(r.name));
      expect(exemptions(result)).toEqual(
        [
          ...(hasDevicePlugin ? DEVICE_PLUGIN_EXEMPTIONS : []),
          ...EXEMPT[stack]!.filter((e) => hasGpuPool || !e.endsWith("-gpu-pool")),
        ].sort(),
      );
    },
    180_000,
  );

  it("prod: passes with every rule mandatory, so no rule is kept from blocking by its level", async () => {
    const plan = await planOf("prod");
    const result = await evaluate({
      resources: plan.resources,
      policies: rules,
      config: { ...config("prod"), all: "mandatory" },
      packName: PACK_NAME,
      packVersion: PACK_VERSION,
      stack: "prod",
    });
    expect(problems(result)).toEqual([]);
  }, 180_000);
});

describe("check --stack", () => {
  it("plans the stack and applies policies/config/<stack>.json (dev: tags remediated, nothing blocks)", async () => {
    const { result, report } = await runCheck({ stack: "dev", format: "json" });
    const parsed = JSON.parse(report) as { passed: boolean; stack: string };
    expect(parsed).toMatchObject({ passed: true, stack: "dev" });
    expect(result.resourceCount).toBeGreaterThan(20);
    // Only dev.json puts azure-required-tags at `remediate`; without it the rule would report violations.
    expect(result.findings.filter((f) => f.kind === "remediated").length).toBeGreaterThan(0);
    expect(
      result.findings
        .filter((f) => f.kind === "remediated")
        .every((f) => f.policy === "azure-required-tags" && f.message.includes('"environment":"dev"')),
    ).toBe(true);
  }, 180_000);
});

describe("the deliberately insecure stack config (test/fixtures/insecure-stack)", () => {
  // The plan runs the program with tsx from the project directory, so the project must sit inside the
  // repository; node_modules/.cache is ignored by git.
  mkdirSync(join(root, "node_modules", ".cache"), { recursive: true });
  const dir = mkdtempSync(join(root, "node_modules", ".cache", "insecure-stack-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("trips the rules its settings break, on every affected resource, and nothing else", async () => {
    const project = readFileSync(join(root, "Pulumi.yaml"), "utf8")
      .replace(/^main: .*$/m, `main: ${JSON.stringify(join(root, "stacks") + "/")}`)
      .replace(/^stackConfigDir: .*$/m, "stackConfigDir: .");
    writeFileSync(join(dir, "Pulumi.yaml"), project);
    copyFileSync(
      join(root, "test", "fixtures", "insecure-stack", "Pulumi.insecure.yaml"),
      join(dir, "Pulumi.insecure.yaml"),
    );
    const plan = await planStackResult("insecure", { projectDir: dir });
    const result = await check(plan.resources, "staging", "insecure");

    const located = plan.resources
      .filter((r) => r.inputs.location === "brazilsouth")
      .map((r) => r.name)
      .sort();
    // The GPU pool appears once AiPlatform composes it; from then on it must trip the VM-size rule too.
    const gpuPools = plan.resources
      .filter(
        (r) => r.type === "azure-native:containerservice:AgentPool" && r.inputs.vmSize === "Standard_NV36ads_A10_v5",
      )
      .map((r) => r.name);
    expect(located.length).toBeGreaterThan(10);
    const expected = [
      ...located.map((n) => `azure-allowed-locations ${n} violation mandatory`),
      ...gpuPools.map((n) => `azure-aks-gpu-vm-size-allowed ${n} violation mandatory`),
      ...gpuPools.map((n) => `azure-aks-availability-zones ${n} violation advisory`),
      // The dev profile's public registry cannot disable export; its cheaper reliability settings are advisory
      // (the staging config exempts the workspace from replication).
      "azure-acr-export-disabled aip-dev-acr-registry violation mandatory",
      ...ADVISORY.dev!.filter((f) => !/^azure-(acr-export-disabled|log-replication) /.test(f)).map((f) =>
        f.replace(/ advisory$/, " violation advisory"),
      ),
    ].sort();
    expect(
      problems(result)
        .map((p) => p.slice(0, p.indexOf(":")))
        .sort(),
    ).toEqual(expected);
  }, 180_000);
});
