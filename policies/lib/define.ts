/**
 * Builders that turn a rule's metadata and check function into a `@pulumi/policy` policy object.
 *
 * They add what every rule must have in the same way: config defaults from the schema, the
 * exemption check, the control reference at the end of each message, `tags`/`url`/`framework`
 * metadata, and the type fast path (`validateResourceOfType` sets `__pulumiType`, so the engine never
 * calls a single-type rule for other types).
 */
import {
  type EnforcementLevel,
  type PolicyConfigSchema,
  type ResourceValidationArgs,
  type Severity,
  type StackValidationArgs,
  type ResourceRemediation,
  validateResourceOfType,
} from "@pulumi/policy";
import { type Resource, type Unwrap } from "@pulumi/pulumi";
import { withDefaults } from "./config";
import { exemptionsSchema, findExemption, type Exemption } from "./exemptions";
import {
  controlLabel,
  controlTags,
  controlUrl,
  type Control,
  type PlatformResourcePolicy,
  type PlatformStackPolicy,
} from "./metadata";
import { type Props } from "./props";

/** What a rule author writes; everything else is derived. */
export interface RuleSpec {
  /** Stable kebab-case name, `<provider>-<service>-<what must hold>`. */
  name: string;
  /** Full sentences: what the rule requires and why. */
  description: string;
  severity: Severity;
  /** Default level; per-environment config files override it. */
  enforcementLevel: EnforcementLevel;
  controls: readonly Control[];
  /** How to fix a violation, in one or two sentences. */
  remediationSteps: string;
  /** Accept `exemptions` in config. Default `false`. */
  exemptible?: boolean;
  /** Rule-specific config properties (JSON schema, each with a `default`). */
  config?: PolicyConfigSchema["properties"];
}

/** Reports a violation; `fix` is appended after the problem so every message says how to fix it. */
export type Report = (problem: string, fix: string) => void;

/** The config a rule sees: its schema defaults overlaid with the configured values. */
export type RuleConfig<T> = T & { exemptions: Exemption[] };

function schemaOf(spec: RuleSpec): PolicyConfigSchema | undefined {
  const properties = { ...(spec.config ?? {}) };
  if (spec.exemptible) properties.exemptions = exemptionsSchema as unknown as PolicyConfigSchema["properties"][string];
  return Object.keys(properties).length > 0 ? { properties } : undefined;
}

function baseFields(spec: RuleSpec) {
  const first = spec.controls[0];
  return {
    name: spec.name,
    description: spec.description,
    severity: spec.severity,
    enforcementLevel: spec.enforcementLevel,
    remediationSteps: spec.remediationSteps,
    tags: controlTags(spec.controls),
    url: controlUrl(first),
    ...(first
      ? { framework: { name: first.source, version: "", reference: first.id, specification: first.title } }
      : {}),
    configSchema: schemaOf(spec),
    controls: spec.controls,
    exemptible: spec.exemptible ?? false,
  };
}

function reporter(spec: RuleSpec, raw: (message: string, urn?: string) => void, urn?: string): Report {
  const source = spec.controls.map(controlLabel).join("; ");
  return (problem, fix) => raw(`${problem} Fix: ${fix} Control: ${source}.`, urn);
}

function configOf<T>(spec: RuleSpec, args: ResourceValidationArgs | StackValidationArgs): RuleConfig<T> {
  return withDefaults<RuleConfig<T>>(schemaOf(spec), args.getConfig<object>());
}

function exempt(spec: RuleSpec, name: string, config: RuleConfig<unknown>): string | undefined {
  if (!spec.exemptible) return undefined;
  const e = findExemption(name, config.exemptions);
  return e ? `exempt: ${e.reason}` : undefined;
}

/**
 * A rule over one azure-native or Kubernetes resource class, with typed inputs.
 * The check receives the inputs as the engine passes them (proxied: reading a value unknown at
 * preview throws, which the engine reports as an advisory "can't run during preview").
 */
export function resourceRule<TResource extends Resource, TArgs, TConfig = object>(
  spec: RuleSpec,
  resourceClass: { new (name: string, args: TArgs, ...rest: Props[string][]): TResource; __pulumiType?: string },
  check: (
    props: Unwrap<NonNullable<TArgs>>,
    report: Report,
    config: RuleConfig<TConfig>,
    args: ResourceValidationArgs,
  ) => void,
  remediate?: ResourceRemediation,
): PlatformResourcePolicy {
  const type = (resourceClass as unknown as { __pulumiType: string }).__pulumiType;
  return {
    ...baseFields(spec),
    appliesTo: [type],
    validateResource: validateResourceOfType(resourceClass, (props, args, raw) => {
      const config = configOf<TConfig>(spec, args);
      const reason = exempt(spec, args.name, config);
      if (reason) args.notApplicable(reason);
      check(props, reporter(spec, raw), config, args);
    }),
    ...(remediate ? { remediateResource: remediate } : {}),
  };
}

/** True when `type` is one of `types`; an entry ending in `*` matches every type with that prefix. */
export function typeMatches(types: readonly string[], type: string): boolean {
  return types.some((t) => (t.endsWith("*") ? type.startsWith(t.slice(0, -1)) : t === type));
}

/**
 * A rule over several resource types (untyped props), e.g. every Kubernetes workload kind.
 * `types` entries ending in `*` are prefixes (`azure-native:*`).
 */
export function multiTypeRule<TConfig = object>(
  spec: RuleSpec,
  types: readonly string[],
  check: (props: Props, report: Report, config: RuleConfig<TConfig>, args: ResourceValidationArgs) => void,
  remediate?: ResourceRemediation,
): PlatformResourcePolicy {
  return {
    ...baseFields(spec),
    appliesTo: types,
    validateResource: (args, raw) => {
      if (!typeMatches(types, args.type))
        args.notApplicable(`Policy only applies to resources of types ${types.join(", ")}`);
      const config = configOf<TConfig>(spec, args);
      const reason = exempt(spec, args.name, config);
      if (reason) args.notApplicable(reason);
      check(args.props, reporter(spec, raw), config, args);
    },
    ...(remediate ? { remediateResource: remediate } : {}),
  };
}

/** Reports a stack violation against one resource's URN; `fix` is appended as for resource rules. */
export type StackReport = (urn: string, problem: string, fix: string) => void;

/**
 * A rule over the whole stack (links between resources). The check gets `isExempt(name)` so it can
 * skip exempted resources one by one.
 */
export function stackRule<TConfig = object>(
  spec: RuleSpec,
  types: readonly string[],
  check: (
    args: StackValidationArgs,
    report: StackReport,
    config: RuleConfig<TConfig>,
    isExempt: (name: string) => boolean,
  ) => void,
): PlatformStackPolicy {
  return {
    ...baseFields(spec),
    appliesTo: types,
    validateStack: (args, raw) => {
      const config = configOf<TConfig>(spec, args);
      const report: StackReport = (urn, problem, fix) => reporter(spec, raw, urn)(problem, fix);
      check(args, report, config, (name) => exempt(spec, name, config) !== undefined);
    },
  };
}
