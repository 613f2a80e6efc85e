/**
 * The pure config resolver: raw stack values → schema → environment defaults → cross-field checks →
 * a deeply frozen {@link PlatformConfig}. Every problem is collected and reported at once, each
 * naming its key, so one `pulumi up` shows everything there is to fix.
 */
import { servingCapacity } from "../../components/gpu-sizes";
import { sharedDefaults, environmentDefaults } from "./defaults";
import { configKeys, environments, requiredKeys, type ConfigKey, type ConfigValues, type Environment } from "./keys";

/** The resolved stack configuration. Deeply frozen. */
export type PlatformConfig = {
  readonly [K in keyof ConfigValues]: ConfigValues[K] extends readonly (infer T)[] ? readonly T[] : ConfigValues[K];
};

/** Invalid stack configuration; `problems` lists every bad key with what to change. */
export class StackConfigError extends Error {
  override name = "StackConfigError";
  constructor(readonly problems: readonly string[]) {
    super(`invalid ai-platform configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

function isKey(key: string): key is ConfigKey {
  return Object.prototype.hasOwnProperty.call(configKeys, key);
}

/** Converts one raw config string by the key's Pulumi type, as `Config.getBoolean/getNumber/getObject` would. */
function convert(key: ConfigKey, raw: string): { value?: unknown; problem?: string } {
  switch (configKeys[key].type) {
    case "boolean":
      return raw === "true" || raw === "false"
        ? { value: raw === "true" }
        : { problem: `${key}: expected true or false, got "${raw}"` };
    case "integer":
      return /^-?\d+$/.test(raw.trim())
        ? { value: Number(raw) }
        : { problem: `${key}: expected an integer, got "${raw}"` };
    case "array": {
      try {
        const value: unknown = JSON.parse(raw);
        if (Array.isArray(value)) return { value };
      } catch {
        // reported below
      }
      return { problem: `${key}: expected a list, got ${raw}` };
    }
    default:
      return { value: raw };
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Cross-field rules. Each message says which settings conflict and what to change. */
export function crossFieldProblems(c: ConfigValues): string[] {
  const problems: string[] = [];
  const range = (min: ConfigKey, max: ConfigKey): void => {
    if ((c[min] as number) > (c[max] as number))
      problems.push(`${min} (${String(c[min])}) > ${max} (${String(c[max])})`);
  };
  range("clusterSystemMinNodes", "clusterSystemMaxNodes");
  range("gpuMinNodes", "gpuMaxNodes");
  range("inferenceMinReplicas", "inferenceMaxReplicas");
  if (c.clusterApiServerAccess === "public" && c.clusterAuthorizedIpRanges.length === 0) {
    problems.push(
      "clusterAuthorizedIpRanges: a public API server must be limited to the deployer's and operators' egress ranges; list them, or set clusterApiServerAccess=private",
    );
  }
  if (c.clusterApiServerAccess === "private" && c.clusterAuthorizedIpRanges.length > 0) {
    problems.push(
      "clusterAuthorizedIpRanges has no effect with clusterApiServerAccess=private (there is no public endpoint); remove it",
    );
  }
  if (c.clusterApiServerAccess === "private" && c.deploymentRunner === "outside-vnet" && c.workloadsEnabled) {
    problems.push(
      "clusterApiServerAccess=private with deploymentRunner=outside-vnet and workloadsEnabled=true: a deployer outside the VNet cannot reach a private API server to apply the workloads. " +
        "Run `pulumi up` from a runner inside the VNet (deploymentRunner=inside-vnet), or use clusterApiServerAccess=public with clusterApiServerVnetIntegration=true and clusterAuthorizedIpRanges listing the deployer's egress, or set workloadsEnabled=false",
    );
  }
  if (c.registryPrivate && c.imageBuildMode === "docker" && c.deploymentRunner === "outside-vnet") {
    problems.push(
      "registryPrivate=true with imageBuildMode=docker and deploymentRunner=outside-vnet: a deployer outside the VNet cannot push to a registry without public access. " +
        "Set imageBuildMode=acr-tasks (builds run on an agent pool inside the VNet), or deploymentRunner=inside-vnet, or registryPrivate=false",
    );
  }
  if (
    !c.registryPrivate &&
    c.imageBuildMode === "docker" &&
    c.deploymentRunner === "outside-vnet" &&
    c.clusterAuthorizedIpRanges.length === 0
  ) {
    problems.push(
      "imageBuildMode=docker from outside the VNet pushes through the registry firewall, which admits clusterAuthorizedIpRanges only; list the deployer's egress there, or set imageBuildMode=acr-tasks",
    );
  }
  if (c.imageBuildMode === "acr-tasks" && c.imageSourceUrl === "") {
    problems.push(
      'imageSourceUrl: imageBuildMode=acr-tasks builds from a context ACR Tasks can fetch; set a git URL with a ref, e.g. "https://github.com/org/ai-platform.git#<commit>" (CI passes the commit)',
    );
  }
  if (c.imageBuildMode === "acr-tasks" && c.imageSourceUrl !== "" && !/^https:\/\/\S+$/.test(c.imageSourceUrl)) {
    problems.push(`imageSourceUrl: expected an https URL, got "${c.imageSourceUrl}"`);
  } else if (
    c.imageBuildMode === "acr-tasks" &&
    c.imageSourceUrl !== "" &&
    !/#[0-9a-f]{7,40}$/.test(c.imageSourceUrl)
  ) {
    problems.push(
      `imageSourceUrl: pin the build context to a commit ("…#<commit sha>"), got "${c.imageSourceUrl}": a branch ref never changes the build's forceUpdateTag, so \`pulumi up\` would not rebuild`,
    );
  }
  if (c.environment !== "dev" && c.alertEmails.length === 0) {
    problems.push(
      `alertEmails: ${c.environment} alerts must reach someone; list at least one address (the action group has no other receiver)`,
    );
  }
  if (c.inferenceDevice === "cuda" && c.gpuEnabled) {
    const capacity = servingCapacity(c.gpuVmSize, c.gpuMaxNodes);
    if (c.inferenceMaxReplicas > capacity)
      problems.push(
        `inferenceMaxReplicas (${c.inferenceMaxReplicas}) exceeds what gpuMaxNodes (${c.gpuMaxNodes}) × ${c.gpuVmSize} GPUs can run with one surge pod during a rollout (${capacity}); lower inferenceMaxReplicas or raise gpuMaxNodes`,
      );
  }
  if (c.gpuMigProfile !== "None" && !/A100|H100|H200/.test(c.gpuVmSize)) {
    problems.push(`gpuMigProfile=${c.gpuMigProfile} needs an A100, H100 or H200 VM size; gpuVmSize is ${c.gpuVmSize}`);
  }
  if (c.inferenceDevice === "cuda" && !c.gpuEnabled) {
    problems.push("inferenceDevice=cuda needs the GPU pool; set gpuEnabled=true or inferenceDevice=cpu");
  }
  if (c.inferenceDevice === "cuda" && c.gpuSpot) {
    problems.push(
      "inferenceDevice=cuda with gpuSpot=true: serving does not tolerate spot eviction, so inference would never schedule on the GPU pool; set gpuSpot=false or inferenceDevice=cpu",
    );
  }
  if (c.consoleOperatorGroupId !== "") {
    const missing = (["consoleSignInClientId", "consoleProxyImage"] as const).filter((k) => c[k] === "");
    if (missing.length > 0)
      problems.push(`consoleOperatorGroupId is set: the console also needs ${missing.join(" and ")}`);
    if (!c.workloadsEnabled)
      problems.push("consoleOperatorGroupId is set: the console is a workload; set workloadsEnabled=true");
  }
  if (c.pipelineEnabled && !c.workloadsEnabled)
    problems.push("pipelineEnabled=true: the pipeline controller is a workload; set workloadsEnabled=true");
  if (c.workloadsEnabled && c.inferenceModels.length === 0) {
    problems.push('inferenceModels: list at least one "name@ref" when workloadsEnabled=true');
  }
  return problems;
}

/**
 * Resolves raw stack values (unqualified key → the string Pulumi config holds; lists as JSON).
 * Throws {@link StackConfigError} naming every unknown, missing, malformed or conflicting key.
 */
export function resolvePlatformConfig(raw: Readonly<Record<string, string | undefined>>): PlatformConfig {
  const problems: string[] = [];
  const parsed: Partial<Record<ConfigKey, unknown>> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if (!isKey(key)) {
      problems.push(`${key}: unknown key (known: ${Object.keys(configKeys).join(", ")})`);
      continue;
    }
    const { value: converted, problem } = convert(key, value);
    if (problem !== undefined) problems.push(problem);
    else parsed[key] = converted;
  }
  const environment = environments.includes(parsed.environment as Environment)
    ? (parsed.environment as Environment)
    : undefined;
  const merged: Record<string, unknown> = {
    ...sharedDefaults,
    clusterAuthorizedIpRanges: [],
    ...(environment === undefined ? {} : environmentDefaults[environment]),
    ...parsed,
  };
  for (const key of requiredKeys)
    if (merged[key] === undefined) problems.push(`${key}: required (set it in Pulumi.<stack>.yaml)`);
  for (const [key, spec] of Object.entries(configKeys)) {
    if (merged[key] === undefined) {
      if (environment !== undefined && !requiredKeys.includes(key as ConfigKey)) problems.push(`${key}: required`);
      continue;
    }
    const result = spec.schema.safeParse(merged[key]);
    if (!result.success) {
      for (const issue of result.error.issues) {
        const at = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
        problems.push(`${key}${at}: ${issue.message}`);
      }
    } else merged[key] = result.data;
  }
  if (problems.length > 0) throw new StackConfigError(problems);
  const config = merged as ConfigValues;
  const cross = crossFieldProblems(config);
  if (cross.length > 0) throw new StackConfigError(cross);
  return deepFreeze(config) as PlatformConfig;
}
