/**
 * One home for environment defaults: `stacks/config/defaults.ts`. A stack file (`stacks/Pulumi.<env>.yaml`) holds
 * only what it must (environment, location, the deployer's authorized ranges) and what differs from its
 * environment's defaults. A stack file that repeats a default would silently keep the old value when the default
 * changes, so this test names every such line.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { environmentDefaults, sharedDefaults } from "../../stacks/config/defaults";
import { environments, type Environment } from "../../stacks/config/keys";

const stacksDir = path.join(__dirname, "..", "..", "stacks");
/** Keys with no default: every stack file sets them. */
const required = ["environment", "location", "clusterAuthorizedIpRanges"];

/** The `ai-platform:` keys of a stack file whose value equals its environment's default. */
function repeatedDefaults(config: Record<string, unknown>): string[] {
  const env = config["ai-platform:environment"] as Environment;
  const defaults: Record<string, unknown> = { ...sharedDefaults, ...environmentDefaults[env] };
  return Object.entries(config)
    .filter(([key]) => key.startsWith("ai-platform:"))
    .map(([key, value]) => [key.slice("ai-platform:".length), value] as const)
    .filter(([key, value]) => !required.includes(key) && JSON.stringify(value) === JSON.stringify(defaults[key]))
    .map(([key]) => key);
}

const stackFiles = fs.readdirSync(stacksDir).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f));

describe("environment defaults live in defaults.ts only", () => {
  it("every environment has a stack file, and every stack file names its environment", () => {
    const named = stackFiles.map((f) => {
      const { config } = parse(fs.readFileSync(path.join(stacksDir, f), "utf8")) as { config: Record<string, unknown> };
      return config["ai-platform:environment"];
    });
    expect([...named].sort()).toEqual([...environments].sort());
  });

  it.each(stackFiles)("%s repeats no default (it holds only what differs)", (file) => {
    const { config } = parse(fs.readFileSync(path.join(stacksDir, file), "utf8")) as {
      config: Record<string, unknown>;
    };
    expect(repeatedDefaults(config)).toEqual([]);
  });

  it("the check can fail: a stack file that copies a default is named", () => {
    expect(
      repeatedDefaults({
        "ai-platform:environment": "prod",
        "ai-platform:location": "westeurope",
        "ai-platform:gpuEnabled": environmentDefaults.prod.gpuEnabled,
        "ai-platform:namePrefix": sharedDefaults.namePrefix,
        "ai-platform:logRetentionDays": environmentDefaults.prod.logRetentionDays + 1,
      }),
    ).toEqual(["gpuEnabled", "namePrefix"]);
  });
});
