/**
 * Reads a Pulumi project and one stack's configuration the way the Pulumi CLI hands them to the
 * Node.js language host: `Pulumi.yaml` gives the entry point and the project config defaults,
 * `<stackConfigDir>/Pulumi.<stack>.yaml` the stack's values, and every value reaches the program
 * as a string under a `namespace:key` name (objects and arrays as JSON).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

/** What the plan needs from `Pulumi.yaml`. */
export interface PulumiProject {
  /** Project name: the namespace of unqualified config keys. */
  name: string;
  /** Absolute path of the program's entry (the `main` directory or file). */
  main: string;
  /** Absolute directory of the `Pulumi.<stack>.yaml` files. */
  stackConfigDir: string;
  /** Project config keys that declare a `default`, by unqualified key. */
  defaults: Record<string, unknown>;
}

/** Configuration as the language host passes it in `PULUMI_CONFIG` / `PULUMI_CONFIG_SECRET_KEYS`. */
export interface ResolvedStackConfig {
  /** `namespace:key` → string value. */
  config: Record<string, string>;
  /** Keys whose values were `secure:` (replaced by placeholders). */
  secretKeys: string[];
}

/** A problem with the project or stack files, reported with the file it came from. */
export class PlanInputError extends Error {
  override name = "PlanInputError";
}

/** Placeholder that replaces a `secure:` value, so programs see a deterministic non-empty secret. */
export function securePlaceholder(key: string): string {
  return `plan-placeholder-secret(${key})`;
}

function readYaml(file: string): unknown {
  if (!fs.existsSync(file)) throw new PlanInputError(`${file} does not exist`);
  try {
    return parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new PlanInputError(`${file} is not valid YAML: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Loads `Pulumi.yaml` from `projectDir`. */
export function loadProject(projectDir: string): PulumiProject {
  const file = path.join(projectDir, "Pulumi.yaml");
  const doc = readYaml(file);
  if (!isRecord(doc) || typeof doc.name !== "string") throw new PlanInputError(`${file}: "name" is required`);
  const runtime = isRecord(doc.runtime) ? doc.runtime.name : doc.runtime;
  if (runtime !== "nodejs") throw new PlanInputError(`${file}: runtime must be nodejs (found ${String(runtime)})`);
  const defaults: Record<string, unknown> = {};
  if (isRecord(doc.config)) {
    for (const [key, spec] of Object.entries(doc.config)) {
      if (isRecord(spec) && "default" in spec) defaults[key] = spec.default;
      else if (!isRecord(spec)) defaults[key] = spec; // shorthand `key: value`
    }
  }
  return {
    name: doc.name,
    main: path.resolve(projectDir, typeof doc.main === "string" ? doc.main : "."),
    stackConfigDir: path.resolve(projectDir, typeof doc.stackConfigDir === "string" ? doc.stackConfigDir : "."),
    defaults,
  };
}

/** The path of a stack's config file. */
export function stackFile(project: PulumiProject, stack: string): string {
  return path.join(project.stackConfigDir, `Pulumi.${stack}.yaml`);
}

function qualify(project: string, key: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

/** Replaces every `{ secure: ... }` inside a value; reports whether it found one. */
function replaceSecure(key: string, value: unknown): { value: unknown; secret: boolean } {
  if (isRecord(value) && Object.keys(value).length === 1 && typeof value.secure === "string") {
    return { value: securePlaceholder(key), secret: true };
  }
  if (Array.isArray(value)) {
    const items = value.map((v, i) => replaceSecure(`${key}[${i}]`, v));
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (isRecord(value)) {
    const entries = Object.entries(value).map(([k, v]) => [k, replaceSecure(`${key}.${k}`, v)] as const);
    return {
      value: Object.fromEntries(entries.map(([k, r]) => [k, r.value])),
      secret: entries.some(([, r]) => r.secret),
    };
  }
  return { value, secret: false };
}

function asConfigString(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * Merges project defaults and a stack document into the language host's config map.
 * Pure: `stackDoc` is the parsed `Pulumi.<stack>.yaml`.
 */
export function resolveStackConfig(
  project: PulumiProject,
  stackDoc: unknown,
  file = "stack file",
): ResolvedStackConfig {
  if (stackDoc !== null && stackDoc !== undefined && !isRecord(stackDoc))
    throw new PlanInputError(`${file}: expected a mapping`);
  const stackConfig = isRecord(stackDoc) ? (stackDoc.config ?? {}) : {};
  if (!isRecord(stackConfig)) throw new PlanInputError(`${file}: "config" must be a mapping`);
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(project.defaults))
    config[qualify(project.name, key)] = asConfigString(value);
  const secretKeys: string[] = [];
  for (const [key, raw] of Object.entries(stackConfig)) {
    const name = qualify(project.name, key);
    const { value, secret } = replaceSecure(name, raw);
    config[name] = asConfigString(value);
    if (secret) secretKeys.push(name);
  }
  return { config, secretKeys };
}

/** Loads the config of `stack` in the project at `projectDir`. */
export function loadStackConfig(project: PulumiProject, stack: string): ResolvedStackConfig {
  if (!/^[A-Za-z0-9_.-]+$/.test(stack)) throw new PlanInputError(`invalid stack name "${stack}"`);
  const file = stackFile(project, stack);
  if (!fs.existsSync(file)) {
    const known = fs.existsSync(project.stackConfigDir)
      ? fs.readdirSync(project.stackConfigDir).flatMap((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1] ?? [])
      : [];
    throw new PlanInputError(`no stack "${stack}": ${file} does not exist (stacks: ${known.join(", ") || "none"})`);
  }
  return resolveStackConfig(project, readYaml(file), file);
}
