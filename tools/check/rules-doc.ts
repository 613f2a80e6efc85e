/**
 * The rule table of docs/policies.md, rendered from the pack itself so the documentation cannot
 * drift from the rules (a test compares the two).
 */
import { controlLabel, type PlatformPolicy } from "../../policies/lib/metadata";

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
