import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rules } from "../../policies/rules";

const rulesDir = join(__dirname, "..", "..", "policies", "rules");

describe("policy pack metadata", () => {
  it("has one rule per file under policies/rules, named like the file, each listed once", () => {
    const files = readdirSync(rulesDir)
      .filter((f) => f.endsWith(".ts") && f !== "index.ts")
      .map((f) => f.slice(0, -3))
      .sort();
    expect(rules.map((r) => r.name).sort()).toEqual(files);
    expect(new Set(rules.map((r) => r.name)).size).toBe(rules.length);
    expect(rules.length).toBe(76);
  });

  it.each(rules.map((r) => [r.name, r] as const))("%s carries complete metadata", (name, r) => {
    expect(name).toMatch(/^(azure|k8s)(-[a-z0-9]+)+$/);
    // Full sentences: capitalised, at least two of them or one long one, ending with a period.
    expect(r.description).toMatch(/^[A-Z][^]*\.$/);
    expect(r.description.length).toBeGreaterThan(60);
    expect(["low", "medium", "high", "critical"]).toContain(r.severity);
    expect(["advisory", "mandatory", "remediate"]).toContain(r.enforcementLevel);
    if (r.enforcementLevel === "remediate")
      expect(typeof (r as { remediateResource?: unknown }).remediateResource).toBe("function");
    expect(r.remediationSteps?.length ?? 0).toBeGreaterThan(10);
    expect(r.controls.length).toBeGreaterThan(0);
    for (const c of r.controls) {
      expect(c.id.length).toBeGreaterThan(0);
      expect(c.title.length).toBeGreaterThan(5);
    }
    expect(r.tags).toEqual(r.controls.map((c) => `${c.source}:${c.id}`));
    expect(r.appliesTo.length).toBeGreaterThan(0);
    // The CLI refuses a schema that declares the enforcement level; exemptions only where allowed.
    expect(Object.keys(r.configSchema?.properties ?? {})).not.toContain("enforcementLevel");
    expect("exemptions" in (r.configSchema?.properties ?? {})).toBe(r.exemptible);
    for (const [key, prop] of Object.entries(r.configSchema?.properties ?? {}))
      expect({ key, default: (prop as { default?: unknown }).default }).not.toEqual({ key, default: undefined });
  });

  it("never lets the hard baseline be exempted", () => {
    const baseline = [
      "azure-cosmos-local-auth-disabled",
      "azure-cosmos-public-network-disabled",
      "azure-aks-local-accounts-disabled",
      "azure-acr-admin-user-disabled",
      "azure-storage-no-blob-public-access",
      "k8s-no-privileged",
      "k8s-no-privilege-escalation",
      "k8s-service-not-public",
      "k8s-image-no-latest",
    ];
    expect(
      rules
        .filter((r) => baseline.includes(r.name))
        .map((r) => [r.name, r.exemptible])
        .sort(),
    ).toEqual(baseline.map((n) => [n, false]).sort());
    expect(rules.filter((r) => r.severity === "critical").every((r) => r.enforcementLevel === "mandatory")).toBe(true);
  });
});
