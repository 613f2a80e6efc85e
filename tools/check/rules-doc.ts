/**
 * The rule table of docs/policies.md, rendered from the pack itself so the documentation cannot
 * drift from the rules (a test compares the two).
 */
import { controlLabel, type PlatformPolicy } from "../../policies/lib/metadata";
import { type PsRuleEntry } from "../../policies/lib/psrule";

function escape(text: string): string {
  return text.replace(/\|/g, "\\|");
}

/** A Markdown table: rule, resources, level, severity, exemptible, what it requires, sources. */
export function renderRuleTable(rules: readonly PlatformPolicy[]): string {
  const head =
    "| Rule | Applies to | Default level | Severity | Exemptible | Requirement | Sources |\n|---|---|---|---|---|---|---|";
  const rows = rules.map((r) => {
    const kind = "validateStack" in r ? "stack: " : "";
    const types = r.appliesTo
      .map((t) => `\`${t.replace(/^azure-native:/, "").replace(/^kubernetes:/, "")}\``)
      .join(", ");
    const sources = r.controls.map(controlLabel).join("; ");
    return `| \`${r.name}\` | ${kind}${types} | ${r.enforcementLevel} | ${r.severity} | ${r.exemptible ? "yes" : "no"} | ${escape(r.description)} | ${escape(sources)} |`;
  });
  return [head, ...rows].join("\n");
}

/** Coverage of the applicable PSRule rules: covered count per pillar and overall. */
export function psruleCoverage(
  rules: readonly PlatformPolicy[],
  catalogue: readonly PsRuleEntry[],
): { pillar: PsRuleEntry["pillar"] | "All"; covered: number; applicable: number }[] {
  const covered = new Set(rules.flatMap((r) => r.controls.filter((c) => c.source === "psrule").map((c) => c.id)));
  const applicable = catalogue.filter((e) => e.notApplicable === undefined);
  const count = (entries: readonly PsRuleEntry[]) => entries.filter((e) => covered.has(e.id)).length;
  return (["Security", "Reliability"] as const)
    .map((pillar) => {
      const of = applicable.filter((e) => e.pillar === pillar);
      return { pillar: pillar as PsRuleEntry["pillar"] | "All", covered: count(of), applicable: of.length };
    })
    .concat([{ pillar: "All", covered: count(applicable), applicable: applicable.length }]);
}

/**
 * The PSRule coverage table: every compared PSRule rule with the pack rules that list it as a control,
 * or the reason none is needed, then the coverage figure.
 */
export function renderPsRuleTable(rules: readonly PlatformPolicy[], catalogue: readonly PsRuleEntry[]): string {
  const head = "| PSRule for Azure rule | Pillar | Requirement | Covered by |\n|---|---|---|---|";
  const rows = catalogue.map((e) => {
    const ours = rules.filter((r) => r.controls.some((c) => c.source === "psrule" && c.id === e.id));
    const cell =
      e.notApplicable !== undefined
        ? `not applicable: ${escape(e.notApplicable)}`
        : ours.length > 0
          ? ours.map((r) => `\`${r.name}\``).join(", ")
          : "**missing**";
    return `| [\`${e.id}\`](https://azure.github.io/PSRule.Rules.Azure/en/rules/${e.id}/) | ${e.pillar} | ${escape(e.title)} | ${cell} |`;
  });
  const figures = psruleCoverage(rules, catalogue);
  const pct = (c: number, a: number) => (a === 0 ? 0 : Math.round((100 * c) / a));
  const all = figures.find((f) => f.pillar === "All")!;
  const parts = figures
    .filter((f) => f.pillar !== "All")
    .map((f) => `${f.pillar} ${f.covered} of ${f.applicable}`)
    .join(", ");
  const figure = `**Coverage: ${all.covered} of ${all.applicable} applicable rules (${pct(all.covered, all.applicable)}%)**: ${parts}.`;
  return [head, ...rows, "", figure].join("\n");
}
