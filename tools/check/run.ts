/**
 * `ai-platform check`: the policy pack, evaluated offline (no Pulumi CLI, no Azure account) over a
 * stack planned under mocks (`--stack`) or over a resources file in the plan's shape (`--resources`).
 * Exits 1 on any mandatory violation and 2 when the input cannot be read.
 */
import { existsSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { PACK_NAME, PACK_VERSION } from "../../policies/pack";
import { rules } from "../../policies/rules";
import { planStackResult } from "../plan/plan";
import { evaluate } from "./engine";
import { formatJson } from "./format-json";
import { formatSarif } from "./format-sarif";
import { formatTable } from "./format-table";
import { loadPackConfig, type PackConfig } from "./pack-config";
import { readResourcesFile } from "./resources-file";
import { type CheckResource, type CheckResult } from "./types";

/** Options of {@link runCheck}. */
export interface CheckOptions {
  stack?: string;
  resources?: string;
  format?: "table" | "json" | "sarif";
  /** Pack config file; default `policies/config/<stack>.json` when it exists. */
  policyConfig?: string;
  /** Write the report to this file instead of stdout. */
  output?: string;
}

const repositoryRoot = resolve(__dirname, "..", "..");

/** The pack config file used for `stack` when none is given. */
export function defaultPolicyConfig(stack: string | undefined): string | undefined {
  if (!stack) return undefined;
  const file = join(repositoryRoot, "policies", "config", `${stack}.json`);
  return existsSync(file) ? file : undefined;
}

/** Runs the check and returns the result and the rendered report. */
export async function runCheck(opts: CheckOptions): Promise<{ result: CheckResult; report: string }> {
  if ((opts.stack === undefined) === (opts.resources === undefined))
    throw new Error("check: pass exactly one of --stack <name> or --resources <file.json>");
  let resources: CheckResource[];
  let project = "ai-platform";
  let artifact: string | undefined;
  if (opts.resources !== undefined) {
    resources = readResourcesFile(opts.resources);
    // Code-scanning tools resolve locations against the repository root (the working directory in CI).
    const rel = relative(process.cwd(), resolve(opts.resources));
    artifact = rel.startsWith("..") || isAbsolute(rel) ? opts.resources : rel.split("\\").join("/");
  } else {
    const plan = await planStackResult(opts.stack!);
    resources = plan.resources;
    project = plan.project;
    artifact = `stacks/Pulumi.${opts.stack}.yaml`;
  }
  const configFile = opts.policyConfig ?? defaultPolicyConfig(opts.stack);
  const config: PackConfig = configFile ? loadPackConfig(configFile, rules) : {};
  const result = await evaluate({
    resources,
    policies: rules,
    config,
    packName: PACK_NAME,
    packVersion: PACK_VERSION,
    stack: opts.stack ?? "resources",
    project,
  });
  const format = opts.format ?? "table";
  const report =
    format === "json"
      ? formatJson(result)
      : format === "sarif"
        ? formatSarif(result, rules, artifact)
        : formatTable(result);
  return { result, report };
}
