/**
 * The real stacks/ program under the plan, fed broken configuration: the plan fails with the
 * resolver's message naming every bad key, and `ai-platform plan` exits non-zero with it.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PlanError, planStack } from "../../tools/plan/plan";

const root = path.join(__dirname, "..", "..");
const project = path.join(root, ".tmp", `plan-errors-${process.pid}`);

beforeAll(() => {
  fs.mkdirSync(project, { recursive: true });
  // The repository's project file, pointed at the real program, with stack files of our own.
  const pulumiYaml = fs
    .readFileSync(path.join(root, "Pulumi.yaml"), "utf8")
    .replace(/^main: .*$/m, `main: ${path.join(root, "stacks")}/`)
    .replace(/^stackConfigDir: .*$/m, "stackConfigDir: .");
  fs.writeFileSync(path.join(project, "Pulumi.yaml"), pulumiYaml);
  fs.writeFileSync(
    path.join(project, "Pulumi.broken.yaml"),
    [
      "config:",
      "  ai-platform:environment: prod",
      "  ai-platform:location: westeurope",
      "  ai-platform:deploymentRunner: outside-vnet",
      "  ai-platform:gpuMinNodes: 9",
      "  ai-platform:gpuMaxNodes: 2",
      "  ai-platform:imageSourceUrl: https://example.test/r.git#abc",
      "  ai-platform:gpuSpot: sometimes",
      "",
    ].join("\n"),
  );
  fs.writeFileSync(
    path.join(project, "Pulumi.conflict.yaml"),
    [
      "config:",
      "  ai-platform:environment: prod",
      "  ai-platform:location: westeurope",
      "  ai-platform:deploymentRunner: outside-vnet",
      "  ai-platform:imageBuildMode: docker",
      "",
    ].join("\n"),
  );
});

afterAll(() => {
  fs.rmSync(project, { recursive: true, force: true });
});

describe("planning the real program with bad configuration", () => {
  it("reports malformed values first, each naming its key", async () => {
    const error = await planStack("broken", { projectDir: project }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlanError);
    expect((error as Error).message).toContain(
      'plan of stack "broken" failed: invalid ai-platform configuration:\n  - gpuSpot: expected true or false, got "sometimes"',
    );
  });

  it("then reports every conflicting setting with what to change, and the CLI exits 1", () => {
    const run = spawnSync(
      process.execPath,
      [path.join(root, "cli", "ai-platform.mjs"), "plan", "--stack", "conflict", "--project-dir", project],
      { cwd: root, encoding: "utf8" },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("invalid ai-platform configuration:");
    expect(run.stderr).toContain(
      "clusterApiServerAccess=private with deploymentRunner=outside-vnet and workloadsEnabled=true",
    );
    expect(run.stderr).toContain("registryPrivate=true with imageBuildMode=docker and deploymentRunner=outside-vnet");
    // A configuration error is the user's to fix: no source location of the resolver.
    expect(run.stderr).not.toMatch(/resolve\.ts:\d+/);
    expect(run.stdout).not.toContain("AiPlatform");
  });
});
