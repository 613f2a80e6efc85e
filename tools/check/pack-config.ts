/**
 * Policy-pack configuration files (`policies/config/<env>.json`), read and applied as the Pulumi CLI
 * does: keys are policy names or `all`; a value is a bare level or an object with `enforcementLevel`
 * and the policy's config properties; the file is validated against each `configSchema` and schema
 * defaults are filled in before a policy calls `getConfig()`.
 */
import { readFileSync } from "node:fs";
import Ajv from "ajv";
import { type EnforcementLevel } from "@pulumi/policy";
import { withDefaults } from "../../policies/lib/config";
import { type PlatformPolicy } from "../../policies/lib/metadata";

/** A pack config as written in the JSON files. */
export type PackConfig = Record<
  string,
  EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)
>;

const LEVELS: readonly string[] = ["advisory", "mandatory", "remediate", "disabled"];

/** A config file that does not fit the pack; the message names the key. */
export class PackConfigError extends Error {
  override name = "PackConfigError";
}

/** Validates `config` against the pack; throws one error listing every bad key. */
export function validatePackConfig(
  config: PackConfig,
  policies: readonly PlatformPolicy[],
  source = "policy config",
): void {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const errors: string[] = [];
  const byName = new Map(policies.map((p) => [p.name, p]));
  for (const [key, value] of Object.entries(config)) {
    if (key === "all") {
      if (typeof value !== "string" || !LEVELS.includes(value)) errors.push(`all: must be one of ${LEVELS.join(", ")}`);
      continue;
    }
    const policy = byName.get(key);
    if (!policy) {
      errors.push(`${key}: no policy of that name in the pack`);
      continue;
    }
    if (typeof value === "string") {
      if (!LEVELS.includes(value)) errors.push(`${key}: level must be one of ${LEVELS.join(", ")}`);
      continue;
    }
    const { enforcementLevel, ...props } = value;
    if (enforcementLevel !== undefined && !LEVELS.includes(enforcementLevel))
      errors.push(`${key}.enforcementLevel: must be one of ${LEVELS.join(", ")}`);
    const schema = {
      type: "object",
      properties: policy.configSchema?.properties ?? {},
      required: policy.configSchema?.required ?? [],
      additionalProperties: false,
    };
    const validate = ajv.compile(schema);
    if (!validate(props))
      for (const e of validate.errors ?? [])
        errors.push(
          `${key}${e.instancePath.replace(/\//g, ".")}: ${e.message ?? "invalid"}${e.params && "additionalProperty" in e.params ? ` (${String(e.params.additionalProperty)})` : ""}`,
        );
  }
  if (errors.length > 0) throw new PackConfigError(`${source} is invalid:\n  ${errors.join("\n  ")}`);
}

/** Reads and validates a config file. */
export function loadPackConfig(file: string, policies: readonly PlatformPolicy[]): PackConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new PackConfigError(`cannot read policy config ${file}: ${(e as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new PackConfigError(`policy config ${file} must be a JSON object`);
  validatePackConfig(parsed as PackConfig, policies, file);
  return parsed as PackConfig;
}

/**
 * The level a policy runs at: its own configured level, else `all`, else the policy's default, else
 * the pack default (the precedence of the Pulumi CLI and the analyzer).
 */
export function effectiveLevel(
  policy: PlatformPolicy,
  config: PackConfig,
  packDefault: EnforcementLevel = "advisory",
): EnforcementLevel {
  const own = config[policy.name];
  const ownLevel = typeof own === "string" ? own : own?.enforcementLevel;
  const all = typeof config.all === "string" ? config.all : undefined;
  return ownLevel ?? all ?? policy.enforcementLevel ?? packDefault;
}

/** What `getConfig()` returns for `policy`: configured properties over the schema defaults. */
export function policyConfig(policy: PlatformPolicy, config: PackConfig): Record<string, unknown> {
  const own = config[policy.name];
  const props =
    typeof own === "object" && own !== null
      ? Object.fromEntries(Object.entries(own).filter(([k]) => k !== "enforcementLevel"))
      : {};
  return withDefaults<Record<string, unknown>>(policy.configSchema, props);
}
