import { describe, expect, it } from "vitest";
import { typeMatches } from "../../policies/lib/define";
import { rules } from "../../policies/rules";
import { runRule, runStackRule, UNKNOWN } from "../support/policy-harness";
import { compliant } from "./fixtures";

const resourceRules = rules.filter((r) => !("validateStack" in r));
const stackRules = rules.filter((r) => "validateStack" in r);
const types = Object.keys(compliant);

describe("every resource rule on every fixture type", () => {
  const cases = resourceRules.flatMap((r) => types.map((t) => [r.name, t, r] as const));
  it.each(cases)("%s on %s: compliant passes, other types are not applicable", async (_name, type, r) => {
    const run = await runRule(r, type, compliant[type]!);
    expect(run.violations).toEqual([]);
    expect(run.unknown).toEqual([]);
    if (typeMatches(r.appliesTo, type)) expect(run.notApplicable).toEqual([]);
    else expect(run.notApplicable).toHaveLength(1);
  });

  it("checks at least one fixture type with each resource rule", () => {
    const unchecked = resourceRules.filter((r) => !types.some((t) => typeMatches(r.appliesTo, t))).map((r) => r.name);
    expect(unchecked).toEqual([]);
  });
});

describe("unknown values in fields a rule does not read", () => {
  it.each(resourceRules.map((r) => [r.name, r] as const))(
    "%s ignores an unknown resourceGroupName and labels",
    async (_n, r) => {
      for (const type of types.filter((t) => typeMatches(r.appliesTo, t))) {
        const props = { ...compliant[type]!, resourceGroupName: UNKNOWN.string, tenantIdUnused: UNKNOWN.object };
        const run = await runRule(r, type, props);
        expect({ type, ...run }).toEqual({ type, violations: [], notApplicable: [], unknown: [] });
      }
    },
  );
});

describe("stack rules on a stack without the services they link", () => {
  it.each(stackRules.map((r) => [r.name, r] as const))("%s passes an empty stack", async (_n, r) => {
    expect(await runStackRule(r, [])).toEqual({ violations: [], notApplicable: [], unknown: [], urns: [] });
  });
});
