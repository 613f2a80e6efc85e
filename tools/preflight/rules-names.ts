/**
 * Names: every `azure-native` resource's physical name (explicit, or the provider's auto-name: the logical
 * name plus 8 random hex characters) against its type's naming rules.
 */
import { physicalName } from "../plan/physical-names";
import { nameProblems, nameRules, RESOURCE_NAME_RULES, type NameRule } from "./name-rules";
import { keyOf, type Finding, type PlanView } from "./types";

/** A representative suffix: the provider's are 8 lowercase hex characters. */
const SAMPLE_SUFFIX = "0a1b2c3d";

/** The names rule class. */
export function nameFindings(plan: PlanView): Finding[] {
  const findings: Finding[] = [];
  for (const r of plan.result.resources) {
    if (!r.type.startsWith("azure-native:")) continue;
    const rule = nameRules[r.type];
    if (rule === undefined) {
      findings.push({
        resource: keyOf(r),
        rule: "names/rule-known",
        why: `no naming rule (nor an explicit "no documented rule" entry) for ${r.type}`,
        source: RESOURCE_NAME_RULES,
        fix: "add the type to tools/preflight/name-rules.ts (and its name property to tools/plan/physical-names.ts)",
      });
      continue;
    }
    if ("noRule" in rule) continue;
    const name = r.physicalName ?? physicalName(r.type, r.name, r.inputs);
    if (name === undefined) continue;
    const actual = name.kind === "auto" ? `${r.name}${SAMPLE_SUFFIX}` : name.value;
    if (name.kind === "assigned" && name.value === "<guid>") continue;
    const problems = nameProblems(actual, rule as NameRule);
    if (problems.length === 0) continue;
    findings.push({
      resource: keyOf(r),
      rule: "names/azure-naming-rules",
      why: `${name.kind === "auto" ? `auto-name "${r.name}" + 8 random characters` : `name "${actual}"`}: ${problems.join("; ")} (${(rule as NameRule).text})`,
      source: (rule as NameRule).source ?? RESOURCE_NAME_RULES,
      fix:
        name.kind === "auto"
          ? `pass ${name.property} explicitly within the rule, or shorten the logical name (the component or stack name prefix)`
          : `change ${name.property} to comply`,
    });
  }
  return findings;
}
