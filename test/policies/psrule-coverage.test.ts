import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { APPLICABLE_PSRULE_RULES, PSRULE_RULES } from "../../policies/lib/psrule";
import { rules } from "../../policies/rules";
import { effectiveLevel, loadPackConfig } from "../../tools/check/pack-config";
import { psruleCoverage, renderPsRuleTable } from "../../tools/check/rules-doc";

const root = join(__dirname, "..", "..");
const psruleIds = (r: (typeof rules)[number]) => r.controls.filter((c) => c.source === "psrule").map((c) => c.id);
const byId = new Map(PSRULE_RULES.map((e) => [e.id, e]));

describe("coverage of PSRule for Azure (Security and Reliability)", () => {
  it("lists each compared PSRule rule once; each not-applicable one has a reason", () => {
    expect(new Set(PSRULE_RULES.map((e) => e.id)).size).toBe(PSRULE_RULES.length);
    for (const e of PSRULE_RULES) {
      expect(e.id).toMatch(/^Azure\.[A-Za-z]+\.[A-Za-z.]+$/);
      if (e.notApplicable !== undefined) expect(e.notApplicable.length).toBeGreaterThan(20);
    }
    expect(APPLICABLE_PSRULE_RULES.length).toBe(59);
  });

  it("every applicable rule is covered by a pack rule, and rules cite only applicable PSRule ids", () => {
    const cited = new Set(rules.flatMap(psruleIds));
    expect(APPLICABLE_PSRULE_RULES.filter((e) => !cited.has(e.id)).map((e) => e.id)).toEqual([]);
    const strays = [...cited].filter((id) => byId.get(id)?.notApplicable !== undefined || !byId.has(id));
    expect(strays).toEqual([]);
    expect(psruleCoverage(rules, PSRULE_RULES)).toEqual([
      { pillar: "Security", covered: 40, applicable: 40 },
      { pillar: "Reliability", covered: 19, applicable: 19 },
      { pillar: "All", covered: 59, applicable: 59 },
    ]);
  });

  it("counts a rule as missing until a pack rule cites it", () => {
    const without = rules.filter((r) => r.name !== "azure-log-replication");
    expect(psruleCoverage(without, PSRULE_RULES).at(-1)).toEqual({ pillar: "All", covered: 58, applicable: 59 });
    expect(renderPsRuleTable(without, PSRULE_RULES)).toContain(
      "| Reliability | Replicate Log Analytics workspaces to a second region. | **missing** |",
    );
  });

  it("docs/policies.md holds the coverage table and figure, generated from the rules", () => {
    const doc = readFileSync(join(root, "docs", "policies.md"), "utf8");
    const start = "<!-- psrule:start -->\n";
    const table = doc.slice(doc.indexOf(start) + start.length, doc.indexOf("\n<!-- psrule:end -->"));
    expect(table).toBe(renderPsRuleTable(rules, PSRULE_RULES));
    expect(table).toContain("**Coverage: 59 of 59 applicable rules (100%)**: Security 40 of 40, Reliability 19 of 19.");
  });

  it("reliability rules are exemptible, advisory by default and in dev, mandatory in prod", () => {
    const reliability = rules.filter((r) => psruleIds(r).some((id) => byId.get(id)?.pillar === "Reliability"));
    // Key Vault soft delete and purge protection stay mandatory everywhere: they protect data, not uptime.
    const uptime = reliability.filter(
      (r) => !["azure-kv-soft-delete", "azure-kv-purge-protection", "azure-acr-premium-sku"].includes(r.name),
    );
    expect(uptime.length).toBeGreaterThanOrEqual(16);
    const dev = loadPackConfig(join(root, "policies", "config", "dev.json"), rules);
    const prod = loadPackConfig(join(root, "policies", "config", "prod.json"), rules);
    for (const r of uptime)
      expect({
        rule: r.name,
        exemptible: r.exemptible,
        default: r.enforcementLevel,
        dev: effectiveLevel(r, dev),
        prod: effectiveLevel(r, prod),
      }).toEqual({ rule: r.name, exemptible: true, default: "advisory", dev: "advisory", prod: "mandatory" });
  });
});
