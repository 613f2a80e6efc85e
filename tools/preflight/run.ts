/**
 * The first-deploy preflight: plans a stack offline (the real program under the plan's mocks) and runs every
 * rule class over the planned resources. Rules live one class per file: names, grants, combinations, ordering.
 */
import * as path from "node:path";
import { planStackResult, type PlanOptions } from "../plan/plan";
import type { PlanResult } from "../plan/types";
import { planView } from "./plan-graph";
import { combinationFindings } from "./rules-combinations";
import { grantFindings } from "./rules-grants";
import { nameFindings } from "./rules-names";
import { orderingFindings } from "./rules-ordering";
import type { Finding, Rule, RuleClass } from "./types";

/** Every rule class, in report order. */
export const ruleClasses: Readonly<Record<RuleClass, Rule>> = {
  names: nameFindings,
  grants: grantFindings,
  combinations: combinationFindings,
  ordering: orderingFindings,
};

const repositoryRoot = path.resolve(__dirname, "..", "..");

/** Every finding of every rule class on an already planned stack. Pure apart from reading Dockerfiles. */
export function preflightPlan(result: PlanResult, projectDir = repositoryRoot): Finding[] {
  const view = planView(result, projectDir);
  return Object.values(ruleClasses).flatMap((rule) => rule(view));
}

/** Plans `stack` and returns its findings (empty: nothing the preflight knows would fail). */
export async function preflightStack(
  stack: string,
  opts: PlanOptions = {},
): Promise<{ plan: PlanResult; findings: Finding[] }> {
  const plan = await planStackResult(stack, opts);
  return { plan, findings: preflightPlan(plan, path.resolve(opts.projectDir ?? repositoryRoot)) };
}

/** The findings as a text table: resource, rule, why (source), fix. */
export function renderFindings(findings: readonly Finding[]): string {
  if (findings.length === 0) return "no findings";
  return findings
    .map((f, i) =>
      [
        `${i + 1}. ${f.resource}`,
        `   rule: ${f.rule}`,
        `   why:  ${f.why}`,
        `         (${f.source})`,
        `   fix:  ${f.fix}`,
      ].join("\n"),
    )
    .join("\n");
}
