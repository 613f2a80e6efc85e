import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { rules } from "../../policies/rules";
import { runCheck } from "../../tools/check/run";
import { SARIF_SCHEMA } from "../../tools/check/format-sarif";

const root = join(__dirname, "..", "..");
const fixture = join(root, "test", "fixtures", "insecure-resources.json");
const tmp = mkdtempSync(join(tmpdir(), "policy-check-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("check --resources output formats", () => {
  it("table: one row per finding and a failing summary", async () => {
    const { result, report } = await runCheck({ resources: fixture, format: "table" });
    const lines = report.split("\n");
    expect(lines[0]).toMatch(/^RULE\s+RESOURCE\s+LEVEL\s+MESSAGE$/);
    expect(lines.filter((l) => /^(azure|k8s)-/.test(l))).toHaveLength(result.findings.length);
    expect(lines.at(-2)).toBe(
      `ai-platform-guardrails@0.1.0 on resources: 19 resources, 76 rules — 72 mandatory, 33 advisory, 0 unknown at preview, 1 remediated, 0 exempt.`,
    );
    expect(lines.at(-1)).toBe("FAILED: mandatory violations must be fixed before deployment.");
  });

  it("json: the result with a passed flag", async () => {
    const { report } = await runCheck({ resources: fixture, format: "json" });
    const parsed = JSON.parse(report) as {
      passed: boolean;
      mandatory: number;
      findings: Array<{ policy: string; urn: string }>;
    };
    expect(parsed.passed).toBe(false);
    expect(parsed.mandatory).toBe(72);
    expect(parsed.findings.find((f) => f.policy === "k8s-probes")?.urn).toBe(
      "urn:pulumi:resources::ai-platform::kubernetes:apps/v1:Deployment::insecure-api",
    );
  });

  it("sarif: a 2.1.0 log with every rule described and every finding a result pointing at a rule", async () => {
    const { report } = await runCheck({ resources: fixture, format: "sarif" });
    const log = JSON.parse(report);
    expect(log.$schema).toBe(SARIF_SCHEMA);
    expect(log.version).toBe("2.1.0");
    expect(log.runs).toHaveLength(1);
    const [run] = log.runs;
    expect(run.tool.driver.name).toBe("ai-platform-guardrails");
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(rules.map((r) => r.name));
    for (const r of run.tool.driver.rules) {
      expect(r.shortDescription.text).toMatch(/\.$/);
      expect(r.fullDescription.text.length).toBeGreaterThan(60);
      expect(r.help.text).toContain("Controls: ");
      expect(["error", "warning"]).toContain(r.defaultConfiguration.level);
      expect(Number(r.properties["security-severity"])).toBeGreaterThan(0);
    }
    expect(run.results).toHaveLength(105);
    for (const res of run.results) {
      expect(run.tool.driver.rules[res.ruleIndex].id).toBe(res.ruleId);
      expect(["error", "warning"]).toContain(res.level);
      expect(res.message.text.length).toBeGreaterThan(10);
      expect(res.locations[0].physicalLocation.artifactLocation.uri).toBe(relative(process.cwd(), fixture));
      expect(res.locations[0].logicalLocations[0].fullyQualifiedName).toMatch(/^urn:pulumi:resources::ai-platform::/);
      expect(typeof res.partialFingerprints["pulumiUrnPolicy/v1"]).toBe("string");
    }
    expect(run.results.filter((r: { level: string }) => r.level === "error")).toHaveLength(72);
  });

  it("rejects a resources file that is not in the plan's shape, naming the entry and field", async () => {
    const bad = join(tmp, "bad.json");
    writeFileSync(
      bad,
      JSON.stringify([
        { type: "azure-native:keyvault:Vault", name: "kv", inputs: {} },
        { name: "", inputs: [] },
      ]),
    );
    await expect(runCheck({ resources: bad })).rejects.toThrow(
      `${bad} is not in the plan's shape:\n  [1].type: must be a non-empty string\n  [1].name: must be a non-empty string\n  [1].inputs: must be an object`,
    );
    await expect(runCheck({})).rejects.toThrow("check: pass exactly one of --stack <name> or --resources <file.json>");
  });
});

describe("ai-platform check (the command)", () => {
  const cli = (args: string[]) =>
    spawnSync(process.execPath, [join(root, "cli", "ai-platform.mjs"), "check", ...args], {
      cwd: root,
      encoding: "utf8",
      timeout: 60_000,
    });

  it("exits 1 on mandatory violations and 0 when only advisory findings remain (dev config)", () => {
    const failing = cli(["--resources", fixture]);
    expect(failing.status).toBe(1);
    expect(failing.stdout).toContain("FAILED: mandatory violations must be fixed before deployment.");
    const sarif = join(tmp, "out.sarif");
    const advisory = cli([
      "--resources",
      fixture,
      "--policy-config",
      join(root, "policies", "config", "dev.json"),
      "--format",
      "sarif",
      "--output",
      sarif,
    ]);
    expect(advisory.stderr).toBe("");
    expect(advisory.stdout.trim()).toBe(`0 mandatory, 104 advisory findings; report written to ${sarif}`);
    expect(advisory.status).toBe(0);
  });

  it("exits 2 with the reason when the input cannot be read", () => {
    const missing = cli(["--resources", join(tmp, "missing.json")]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain(`cannot read resources file ${join(tmp, "missing.json")}`);
  });
});
