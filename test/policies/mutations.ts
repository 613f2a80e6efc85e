/** Table-driven mutation tests shared by the per-area suites. */
import { expect, it } from "vitest";
import { mutate, rule, runRule, UNKNOWN } from "../support/policy-harness";
import { compliant } from "./fixtures";

/** One violating mutation: rule, resource type, path → value, and the exact problem text expected. */
export type Mutation = [rule: string, type: string, path: string, value: unknown, problem: string];

/** Each mutation of a compliant fixture yields exactly one violation that starts with `problem`. */
export function mutationCases(cases: readonly Mutation[]): void {
  it.each(cases)("%s on %s: %s = %j → violation", async (name, type, path, value, problem) => {
    const run = await runRule(rule(name), type, mutate(compliant[type]!, path, value));
    expect(run.unknown).toEqual([]);
    expect(run.violations).toHaveLength(1);
    const [message] = run.violations;
    expect(message!.startsWith(`${problem} Fix: `)).toBe(true);
    expect(message).toMatch(/ Control: .+\.$/);
  });

  // At preview the same field may be unknown: the rule must then stop with "can't run during preview"
  // (advisory), never pass silently and never report a violation it cannot know about.
  it.each(cases)("%s on %s: %s unknown at preview → can't run, no violation", async (name, type, path) => {
    const run = await runRule(rule(name), type, mutate(compliant[type]!, path, UNKNOWN.string));
    expect(run.violations).toEqual([]);
    expect(run.unknown).toHaveLength(1);
    expect(run.unknown[0]).toMatch(
      new RegExp(`^can't run policy '${name}' during preview: string value at \\.\\S+ can't be known during preview$`),
    );
  });
}

/** A value unknown at preview in a field the rule reads: no violation, an advisory "can't run". */
export type UnknownCase = [rule: string, type: string, path: string];

/** Each unknown makes the rule report "can't be known during preview" at the path, and nothing else. */
export function unknownCases(cases: readonly UnknownCase[]): void {
  it.each(cases)("%s on %s: unknown %s → can't run during preview", async (name, type, path) => {
    const run = await runRule(rule(name), type, mutate(compliant[type]!, path, UNKNOWN.string));
    expect(run.violations).toEqual([]);
    expect(run.unknown).toEqual([
      `can't run policy '${name}' during preview: string value at .${path.replace(/\[(\d+)\]/g, ".$1")} can't be known during preview`,
    ]);
  });
}
