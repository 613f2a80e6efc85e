/**
 * The offline policy engine: evaluates every resource and stack policy of the pack over plan-shaped
 * resources with the semantics of `pulumi preview --policy-pack`: levels from the pack config
 * (`disabled` skipped, `remediate` fixes inputs first and reports what remains as mandatory), config
 * defaults filled from each schema, props proxied, unknown values reported as advisory, stack
 * policies run after all resources with property dependencies.
 */
import { type EnforcementLevel, type ResourceValidationPolicy, type StackValidationPolicy } from "@pulumi/policy";
import { type PlatformPolicy } from "../../policies/lib/metadata";
import { inferPropertyDependencies } from "./links";
import { effectiveLevel, policyConfig, type PackConfig } from "./pack-config";
import {
  runRemediation,
  runResourcePolicy,
  runStackPolicy,
  stackResources,
  type ResourceInput,
  type StackInput,
} from "./runtime";
import { type CheckResource, type CheckResult, type Finding } from "./types";

/** Inputs of {@link evaluate}. */
export interface EvaluateOptions {
  resources: readonly CheckResource[];
  policies: readonly PlatformPolicy[];
  /** Pack config (levels and policy config). Default `{}`: every policy at its own level. */
  config?: PackConfig;
  packName: string;
  packVersion: string;
  /** Stack and project, used in URNs. */
  stack?: string;
  project?: string;
  /** Pack default level. Default `advisory`, as the SDK. */
  packLevel?: EnforcementLevel;
}

function isStackPolicy(p: PlatformPolicy): p is PlatformPolicy & StackValidationPolicy {
  return typeof (p as StackValidationPolicy).validateStack === "function";
}

/** URNs as the engine writes them: `urn:pulumi:<stack>::<project>::<parent type$>type::<name>`. */
function urnsOf(resources: readonly CheckResource[], stack: string, project: string): Map<CheckResource, string> {
  const byName = new Map(resources.map((r) => [r.name, r]));
  const urns = new Map<CheckResource, string>();
  const qualified = (r: CheckResource, depth = 0): string => {
    const parent = r.parent !== undefined ? byName.get(r.parent) : undefined;
    return parent && depth < 50 ? `${qualified(parent, depth + 1)}$${r.type}` : r.type;
  };
  for (const r of resources) urns.set(r, `urn:pulumi:${stack}::${project}::${qualified(r)}::${r.name}`);
  return urns;
}

/** Evaluates the pack; findings are in policy order, then resource order. */
export async function evaluate(opts: EvaluateOptions): Promise<CheckResult> {
  const config = opts.config ?? {};
  const stack = opts.stack ?? "check";
  const urns = urnsOf(opts.resources, stack, opts.project ?? "ai-platform");
  const byName = new Map(opts.resources.map((r) => [r.name, r]));
  const findings: Finding[] = [];
  let notApplicable = 0;
  // Remediations change the inputs every later policy (and the stack policies) see, as in the engine.
  const current = new Map<CheckResource, Record<string, unknown>>(opts.resources.map((r) => [r, r.inputs]));
  const input = (r: CheckResource): ResourceInput => {
    const parent = r.parent !== undefined ? byName.get(r.parent) : undefined;
    return {
      type: r.type,
      name: r.name,
      urn: urns.get(r)!,
      props: current.get(r)!,
      ...(parent ? { parentUrn: urns.get(parent)! } : {}),
    };
  };
  const push = (
    p: PlatformPolicy,
    kind: Finding["kind"],
    level: Finding["level"],
    r: { name: string; type: string; urn: string },
    message: string,
  ) =>
    findings.push({
      policy: p.name,
      kind,
      level,
      severity: p.severity ?? "medium",
      resource: r.name,
      type: r.type,
      urn: r.urn,
      message,
    });

  const resourcePolicies = opts.policies.filter((x) => !isStackPolicy(x)) as Array<
    PlatformPolicy & ResourceValidationPolicy
  >;
  // As in the engine: every `remediate` policy transforms a resource's inputs before any policy validates them.
  for (const r of opts.resources) {
    for (const p of resourcePolicies) {
      if (effectiveLevel(p, config, opts.packLevel) !== "remediate") continue;
      const fixed = await runRemediation(p, input(r), policyConfig(p, config));
      if (fixed) {
        const before = current.get(r)!;
        const changed = Object.keys({ ...before, ...fixed }).filter(
          (k) => JSON.stringify(before[k]) !== JSON.stringify(fixed[k]),
        );
        current.set(r, fixed);
        push(
          p,
          "remediated",
          "remediate",
          input(r),
          `remediated ${changed.map((k) => `\`${k}\``).join(", ")}: ${JSON.stringify(Object.fromEntries(changed.map((k) => [k, fixed[k]])))}`,
        );
      }
    }
  }
  for (const p of resourcePolicies) {
    const level = effectiveLevel(p, config, opts.packLevel);
    if (level === "disabled") continue;
    const cfg = policyConfig(p, config);
    for (const r of opts.resources) {
      const outcome = await runResourcePolicy(p, input(r), cfg);
      const reported = level === "remediate" ? "mandatory" : level;
      for (const v of outcome.violations) push(p, "violation", reported, input(r), v.message);
      for (const u of outcome.unknown) push(p, "unknown", "advisory", input(r), u);
      if (outcome.violations.length === 0 && outcome.unknown.length === 0 && outcome.notApplicable.length > 0) {
        const exempt = outcome.notApplicable.find((n) => n.startsWith("exempt: "));
        if (exempt) push(p, "exempt", reported, input(r), exempt.slice("exempt: ".length));
        else notApplicable++;
      }
    }
  }

  const deps = inferPropertyDependencies(opts.resources);
  const stackInputs: StackInput[] = opts.resources.map((r) => ({
    ...input(r),
    propertyDependencies: Object.fromEntries(
      Object.entries(deps.get(r) ?? {}).map(([k, ds]) => [k, ds.map((d) => urns.get(d)!)]),
    ),
  }));
  const byUrn = new Map(stackInputs.map((s) => [s.urn, s]));
  for (const p of opts.policies.filter(isStackPolicy)) {
    const level = effectiveLevel(p, config, opts.packLevel);
    if (level === "disabled") continue;
    const reported = level === "remediate" ? "mandatory" : level;
    const outcome = await runStackPolicy(p, stackResources(stackInputs), policyConfig(p, config));
    const target = (urn?: string) => {
      const s = urn ? byUrn.get(urn) : undefined;
      return s
        ? { name: s.name, type: s.type, urn: s.urn }
        : { name: "(stack)", type: "pulumi:pulumi:Stack", urn: urn ?? "" };
    };
    for (const v of outcome.violations) push(p, "violation", reported, target(v.urn), v.message);
    for (const u of outcome.unknown) push(p, "unknown", "advisory", target(), u);
    if (outcome.notApplicable.length > 0) notApplicable++;
  }

  const violations = findings.filter((f) => f.kind === "violation");
  return {
    packName: opts.packName,
    packVersion: opts.packVersion,
    stack,
    resourceCount: opts.resources.length,
    policyCount: opts.policies.length,
    findings,
    notApplicable,
    mandatory: violations.filter((f) => f.level === "mandatory").length,
    advisory:
      violations.filter((f) => f.level === "advisory").length + findings.filter((f) => f.kind === "unknown").length,
  };
}
