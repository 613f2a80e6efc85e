/** The human-readable report of `check`: one row per finding, then a summary line. */
import { type CheckResult, type Finding } from "./types";

const ORDER: Record<Finding["kind"], number> = { violation: 0, unknown: 1, remediated: 2, exempt: 3 };

function cell(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

/** Renders `result` as a fixed-width table (messages are wrapped, never cut). */
export function formatTable(result: CheckResult): string {
  const rows = [...result.findings].sort(
    (a, b) => ORDER[a.kind] - ORDER[b.kind] || (a.level === b.level ? 0 : a.level === "mandatory" ? -1 : 1),
  );
  const lines: string[] = [];
  const header = `${cell("RULE", 40)} ${cell("RESOURCE", 34)} ${cell("LEVEL", 10)} MESSAGE`;
  lines.push(header, "-".repeat(header.length + 40));
  for (const f of rows) {
    const level = f.kind === "violation" ? f.level : f.kind;
    lines.push(`${cell(f.policy, 40)} ${cell(f.resource, 34)} ${cell(level, 10)} ${f.message}`);
  }
  if (rows.length === 0) lines.push("(no findings)");
  const count = (k: Finding["kind"]) => result.findings.filter((f) => f.kind === k).length;
  lines.push(
    "",
    `${result.packName}@${result.packVersion} on ${result.stack}: ${result.resourceCount} resources, ${result.policyCount} rules — ` +
      `${result.mandatory} mandatory, ${result.findings.filter((f) => f.kind === "violation" && f.level === "advisory").length} advisory, ` +
      `${count("unknown")} unknown at preview, ${count("remediated")} remediated, ${count("exempt")} exempt.`,
    result.mandatory > 0
      ? "FAILED: mandatory violations must be fixed before deployment."
      : "PASSED: no mandatory violations.",
  );
  return lines.join("\n");
}
