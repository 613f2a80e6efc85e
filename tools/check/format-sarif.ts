/**
 * SARIF 2.1.0 output (`check --format sarif`) for code-scanning tools such as GitHub code scanning.
 * One `reportingDescriptor` per rule (with its controls and help), one `result` per violation or
 * unknown; mandatory → `error`, advisory → `warning`; exemptions become suppressed results.
 * Locations are logical (the Pulumi URN), plus the file the resources came from when known.
 */
import type * as sarif from "sarif";
import { controlLabel, type PlatformPolicy } from "../../policies/lib/metadata";
import { type CheckResult, type Finding } from "./types";

/** The SARIF schema URI the log declares. */
export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

const SECURITY_SEVERITY: Record<string, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0" };

function level(f: Finding): sarif.Result.level {
  if (f.kind === "unknown") return "note";
  return f.level === "advisory" ? "warning" : "error";
}

/** Renders `result` as a SARIF 2.1.0 log; `artifactUri` is the stack file or resources file. */
export function formatSarif(result: CheckResult, policies: readonly PlatformPolicy[], artifactUri?: string): string {
  const index = new Map(policies.map((p, i) => [p.name, i]));
  const rules = policies.map((p): sarif.ReportingDescriptor => ({
    id: p.name,
    name: p.name,
    shortDescription: { text: p.description.split(". ")[0]!.replace(/\.?$/, ".") },
    fullDescription: { text: p.description },
    help: {
      text: `${p.remediationSteps ?? ""}\nControls: ${p.controls.map(controlLabel).join("; ")}`,
      markdown: `${p.remediationSteps ?? ""}\n\n**Controls:** ${p.controls.map(controlLabel).join("; ")}`,
    },
    ...(p.url ? { helpUri: p.url } : {}),
    defaultConfiguration: { level: p.enforcementLevel === "advisory" ? "warning" : "error" },
    properties: {
      tags: ["security", ...(p.tags ?? [])],
      "security-severity": SECURITY_SEVERITY[p.severity ?? "medium"] ?? "5.5",
      severity: p.severity,
    },
  }));
  const results = result.findings
    .filter((f) => f.kind === "violation" || f.kind === "unknown" || f.kind === "exempt")
    .map((f): sarif.Result => ({
      ruleId: f.policy,
      ruleIndex: index.get(f.policy) ?? 0,
      level: level(f),
      message: { text: f.kind === "exempt" ? `${f.resource} is exempt: ${f.message}` : `${f.resource}: ${f.message}` },
      locations: [
        {
          ...(artifactUri
            ? { physicalLocation: { artifactLocation: { uri: artifactUri }, region: { startLine: 1 } } }
            : {}),
          logicalLocations: [{ name: f.resource, fullyQualifiedName: f.urn, kind: "resource" }],
        },
      ],
      partialFingerprints: { "pulumiUrnPolicy/v1": `${f.urn}|${f.policy}` },
      ...(f.kind === "exempt" ? { suppressions: [{ kind: "external", justification: f.message }] } : {}),
      properties: { resourceType: f.type, enforcementLevel: f.level, severity: f.severity },
    }));
  const log: sarif.Log = {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: result.packName,
            version: result.packVersion,
            semanticVersion: result.packVersion,
            informationUri: "https://www.pulumi.com/docs/iac/packages-and-automation/crossguard/",
            rules,
          },
        },
        automationDetails: { id: `ai-platform-check/${result.stack}/` },
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2);
}
