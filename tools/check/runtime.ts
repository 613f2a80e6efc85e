/**
 * Runs one policy the way the `@pulumi/policy` analyzer server does (`server.js`,
 * `makeAnalyzeRpcFun`/`makeAnalyzeStackRpcFun` in 1.21): props wrapped in `unknownCheckingProxy`,
 * the type fast path for single typed validators, every function of a `validateResource` array run,
 * `notApplicable` ending one validation, `UnknownValueError` turned into an advisory "can't run during
 * preview", and stack policies given `PolicyResource`s with parent and property dependencies.
 */
import {
  type PolicyResource,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  type StackValidationArgs,
  type StackValidationPolicy,
  unknownCheckingProxy,
  UnknownValueError,
} from "@pulumi/policy";
import { type Props } from "../../policies/lib/props";

/** Thrown by `notApplicable()`; the runner records the reason instead of a violation. */
export class NotApplicableError extends Error {
  constructor(readonly reason: string | undefined) {
    super(reason ?? "not applicable");
  }
}

function throwNotApplicable(reason?: string): never {
  throw new NotApplicableError(reason);
}

const emptyOptions = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

function isTypeOf(type: string, cls: { __pulumiType?: string; isInstance?: unknown }): boolean {
  return (cls as { __pulumiType?: string }).__pulumiType === type;
}

/** One resource as a resource policy receives it. */
export interface ResourceInput {
  type: string;
  name: string;
  urn: string;
  props: Record<string, unknown>;
  parentUrn?: string;
}

/** What running a resource policy (or a stack policy) produced. */
export interface RunOutcome {
  /** Reported violations: message and, for stack policies, the URN named. */
  violations: Array<{ message: string; urn?: string }>;
  /** Reasons given by `notApplicable` (one per validation function that bailed out). */
  notApplicable: string[];
  /** `can't run … during preview` messages (advisory at runtime). */
  unknown: string[];
}

/** Builds the `args` a resource validator gets. `config` is what `getConfig()` returns. */
export function resourceArgs(
  r: ResourceInput,
  config: Record<string, unknown>,
  stackTags: ReadonlyMap<string, string> = new Map(),
): ResourceValidationArgs {
  const props = unknownCheckingProxy(structuredClone(r.props)) as Props;
  return {
    type: r.type,
    props,
    urn: r.urn,
    name: r.name,
    opts: { ...emptyOptions, ...(r.parentUrn ? { parent: r.parentUrn } : {}) },
    stackTags,
    isType: (cls) => isTypeOf(r.type, cls as never),
    asType: ((cls: never) => (isTypeOf(r.type, cls) ? props : undefined)) as ResourceValidationArgs["asType"],
    getConfig: <T>() => config as T,
    notApplicable: throwNotApplicable,
  };
}

function recordError(e: unknown, policy: string, outcome: RunOutcome): void {
  if (e instanceof UnknownValueError)
    outcome.unknown.push(`can't run policy '${policy}' during preview: ${(e as Error).message}`);
  else if (e instanceof NotApplicableError) outcome.notApplicable.push(e.reason ?? "not applicable");
  else throw new Error(`Error validating resource with policy '${policy}': ${(e as Error)?.stack ?? String(e)}`);
}

/** Runs `policy.validateResource` over one resource. */
export async function runResourcePolicy(
  policy: ResourceValidationPolicy,
  r: ResourceInput,
  config: Record<string, unknown>,
  stackTags?: ReadonlyMap<string, string>,
): Promise<RunOutcome> {
  const outcome: RunOutcome = { violations: [], notApplicable: [], unknown: [] };
  const v = policy.validateResource;
  if (!v) {
    outcome.notApplicable.push("Policy does not implement validateResource");
    return outcome;
  }
  if (!Array.isArray(v)) {
    const pulumiType = (v as { __pulumiType?: string }).__pulumiType;
    if (pulumiType && pulumiType !== r.type) {
      outcome.notApplicable.push(`Policy only applies to resources of type '${pulumiType}'`);
      return outcome;
    }
  }
  for (const validation of Array.isArray(v) ? v : [v]) {
    try {
      await validation(resourceArgs(r, config, stackTags), (message) => outcome.violations.push({ message }));
    } catch (e) {
      recordError(e, policy.name, outcome);
    }
  }
  return outcome;
}

/** Runs `policy.remediateResource`; returns the new props, or `undefined` when nothing changed. */
export async function runRemediation(
  policy: ResourceValidationPolicy,
  r: ResourceInput,
  config: Record<string, unknown>,
): Promise<Record<string, unknown> | undefined> {
  if (!policy.remediateResource) return undefined;
  try {
    const result = await policy.remediateResource(resourceArgs(r, config));
    // The engine serialises the returned props (reading through any proxies); a JSON round trip does the same.
    return result ? (JSON.parse(JSON.stringify(result)) as Record<string, unknown>) : undefined;
  } catch (e) {
    if (e instanceof NotApplicableError || e instanceof UnknownValueError) return undefined;
    throw e;
  }
}

/** One resource as a stack policy receives it, before linking. */
export interface StackInput extends ResourceInput {
  /** Input key → URNs it depends on. */
  propertyDependencies: Record<string, string[]>;
}

/** Links parents and property dependencies by URN, as the server does. */
export function stackResources(inputs: readonly StackInput[]): PolicyResource[] {
  const resources = inputs.map((i) => {
    const props = unknownCheckingProxy(structuredClone(i.props)) as Props;
    const r: PolicyResource = {
      type: i.type,
      props,
      urn: i.urn,
      name: i.name,
      opts: { ...emptyOptions, ...(i.parentUrn ? { parent: i.parentUrn } : {}) },
      dependencies: [],
      propertyDependencies: {},
      isType: (cls) => isTypeOf(i.type, cls as never),
      asType: ((cls: never) => (isTypeOf(i.type, cls) ? props : undefined)) as PolicyResource["asType"],
    };
    return r;
  });
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  inputs.forEach((i, idx) => {
    const r = resources[idx]!;
    if (i.parentUrn && byUrn.has(i.parentUrn)) r.parent = byUrn.get(i.parentUrn);
    const all = new Set<PolicyResource>();
    for (const [key, urns] of Object.entries(i.propertyDependencies)) {
      const deps = urns.map((u) => byUrn.get(u)).filter((d): d is PolicyResource => d !== undefined);
      r.propertyDependencies[key] = deps;
      deps.forEach((d) => all.add(d));
    }
    r.dependencies = [...all];
  });
  return resources;
}

/** Runs `policy.validateStack` over the stack. */
export async function runStackPolicy(
  policy: StackValidationPolicy,
  resources: PolicyResource[],
  config: Record<string, unknown>,
  stackTags: ReadonlyMap<string, string> = new Map(),
): Promise<RunOutcome> {
  const outcome: RunOutcome = { violations: [], notApplicable: [], unknown: [] };
  const args: StackValidationArgs = {
    resources,
    getConfig: <T>() => config as T,
    stackTags,
    notApplicable: throwNotApplicable,
  };
  try {
    await policy.validateStack(args, (message, urn) => outcome.violations.push({ message, ...(urn ? { urn } : {}) }));
  } catch (e) {
    recordError(e, policy.name, outcome);
  }
  return outcome;
}
