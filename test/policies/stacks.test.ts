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
const config = (env: string) => loadPackConfig(join(root, "policies", "config", `${env}.json`), rules);
const check = (resources: readonly CheckResource[], env: string, stack: string) =>
  evaluate({ resources, policies: rules, config: config(env), packName: PACK_NAME, packVersion: PACK_VERSION, stack });

/** Violations and unknowns (not remediations or exemptions), as compact strings for exact comparison. */
function problems(result: Awaited<ReturnType<typeof check>>): string[] {
  return result.findings
    .filter((f) => f.kind === "violation" || f.kind === "unknown")
    .map((f) => `${f.policy} ${f.resource} ${f.kind} ${f.level}: ${f.message}`);
}

/** The shipped configs exempt only the NVIDIA device plugin, and only from these four rules. */
const DEVICE_PLUGIN_EXEMPTIONS = [
  "k8s-images-from-allowed-registries",
  "k8s-no-host-access",
  "k8s-probes",
  "k8s-run-as-non-root",
];

function exemptions(result: Awaited<ReturnType<typeof check>>): string[] {
  return result.findings
    .filter((f) => f.kind === "exempt")
    .map((f) => `${f.policy} ${/-nvidia-device-plugin$/.test(f.resource) ? "device-plugin" : f.resource}`)
    .sort();
}

describe("every shipped stack passes the pack", () => {
  it.each(["dev", "staging", "prod"])(
    "%s: no violation or unknown under its own config, even with every rule raised to mandatory",
    async (stack) => {
      const plan = await planStackResult(stack);
      expect(plan.resources.length).toBeGreaterThan(20);
      for (const strict of [false, true]) {
        const cfg = strict ? { ...config(stack), all: "mandatory" as const } : config(stack);
        const result = await evaluate({
          resources: plan.resources,
          policies: rules,
          config: cfg,
          packName: PACK_NAME,
          packVersion: PACK_VERSION,
          stack,
        });
        expect({ strict, problems: problems(result) }).toEqual({ strict, problems: [] });
        expect(result.mandatory).toBe(0);
        const hasDevicePlugin = plan.resources.some((r) => /-nvidia-device-plugin$/.test(r.name));
        expect(exemptions(result)).toEqual(
          hasDevicePlugin ? DEVICE_PLUGIN_EXEMPTIONS.map((p) => `${p} device-plugin`) : [],
        );
      }
    },
    180_000,
  );
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
    ].sort();
    expect(
      problems(result)
        .map((p) => p.slice(0, p.indexOf(":")))
        .sort(),
    ).toEqual(expected);
  }, 180_000);
});
