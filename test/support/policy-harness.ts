/**
 * A runtime-faithful harness for the policy pack's rules (no Pulumi CLI, no PolicyPack server).
 *
 * It runs rules through the same runtime as the offline check (`tools/check/runtime.ts`), which copies
 * the `@pulumi/policy` 1.21 analyzer: props wrapped in `unknownCheckingProxy` (reading an unknown
 * value throws, as at preview), config defaults filled from each `configSchema` (as the CLI does),
 * `notApplicable` recorded instead of a violation, every function of a `validateResource` array run,
 * and stack policies given `PolicyResource`s linked by property dependencies.
 */
import { type ResourceValidationPolicy, type StackValidationPolicy } from "@pulumi/policy";
import { type PlatformPolicy } from "../../policies/lib/metadata";
import { rules } from "../../policies/rules";
import { policyConfig } from "../../tools/check/pack-config";
import {
  runRemediation,
  runResourcePolicy,
  runStackPolicy,
  stackResources,
  type RunOutcome,
} from "../../tools/check/runtime";

/** The engine's sentinels for values unknown during preview (internal to `@pulumi/policy/proxy.js`). */
export const UNKNOWN = {
  string: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  boolean: "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  number: "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  array: "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  object: "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
} as const;

/** The rule named `name`; throws when the pack has none (so a renamed rule fails loudly). */
export function rule(name: string): PlatformPolicy {
  const found = rules.find((r) => r.name === name);
  if (!found) throw new Error(`no rule named ${name}`);
  return found;
}

/** What one run produced, with violation messages as strings. */
export interface RuleRun {
  violations: string[];
  notApplicable: string[];
  unknown: string[];
}

function simplify(o: RunOutcome): RuleRun {
  return { violations: o.violations.map((v) => v.message), notApplicable: o.notApplicable, unknown: o.unknown };
}

/** Options of {@link runRule}. */
export interface RunOptions {
  /** This policy's config (without defaults; the harness fills them). */
  config?: Record<string, unknown>;
  /** Pulumi logical name. Default `"subject"`. */
  name?: string;
}

/** Runs a resource rule over one resource's inputs. */
export async function runRule(
  policy: PlatformPolicy,
  type: string,
  props: Record<string, unknown>,
  opts: RunOptions = {},
): Promise<RuleRun> {
  const name = opts.name ?? "subject";
  const cfg = policyConfig(policy, opts.config ? { [policy.name]: opts.config } : {});
  const outcome = await runResourcePolicy(
    policy as ResourceValidationPolicy,
    { type, name, urn: `urn:pulumi:test::ai-platform::${type}::${name}`, props },
    cfg,
  );
  return simplify(outcome);
}

/** Runs a rule's `remediateResource`; the new props, or `undefined` when nothing changes. */
export async function remediate(
  policy: PlatformPolicy,
  type: string,
  props: Record<string, unknown>,
  config?: Record<string, unknown>,
): Promise<Record<string, unknown> | undefined> {
  const cfg = policyConfig(policy, config ? { [policy.name]: config } : {});
  return runRemediation(
    policy as ResourceValidationPolicy,
    { type, name: "subject", urn: `urn:pulumi:test::ai-platform::${type}::subject`, props },
    cfg,
  );
}

/** A resource of a stack under test; `dependsOn` maps input keys to the logical names they came from. */
export interface StackResourceSpec {
  type: string;
  name: string;
  props: Record<string, unknown>;
  dependsOn?: Record<string, string[]>;
}

/** The URN the harness gives a stack resource. */
export function urnOf(r: { type: string; name: string }): string {
  return `urn:pulumi:test::ai-platform::${r.type}::${r.name}`;
}

/** Runs a stack rule over `resources`; violation URNs are kept in `urns`. */
export async function runStackRule(
  policy: PlatformPolicy,
  resources: readonly StackResourceSpec[],
  config?: Record<string, unknown>,
): Promise<RuleRun & { urns: string[] }> {
  const byName = new Map(resources.map((r) => [r.name, r]));
  const inputs = resources.map((r) => ({
    type: r.type,
    name: r.name,
    urn: urnOf(r),
    props: r.props,
    propertyDependencies: Object.fromEntries(
      Object.entries(r.dependsOn ?? {}).map(([k, names]) => [
        k,
        names.map((n) => {
          const d = byName.get(n);
          if (!d) throw new Error(`dependsOn ${k}: no resource named ${n}`);
          return urnOf(d);
        }),
      ]),
    ),
  }));
  const cfg = policyConfig(policy, config ? { [policy.name]: config } : {});
  const outcome = await runStackPolicy(policy as StackValidationPolicy, stackResources(inputs), cfg);
  return { ...simplify(outcome), urns: outcome.violations.map((v) => v.urn ?? "") };
}

/**
 * A deep copy of `obj` with `path` (`a.b[0].c`) set to `value`; `undefined` deletes the key.
 * Missing intermediate objects are created.
 */
export function mutate<T extends object>(obj: T, path: string, value: unknown): T {
  const copy = structuredClone(obj) as Record<string, unknown>;
  const keys = path.replace(/\[(\d+)\]/g, ".$1").split(".");
  let cur: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) {
    if (typeof cur[k] !== "object" || cur[k] === null) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1]!;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return copy as T;
}
