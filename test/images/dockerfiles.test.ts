/**
 * Every image Dockerfile, read with the replay's parser: classic-builder syntax only (ACR quick builds have no
 * BuildKit), Node 24, every workspace manifest copied before `npm ci` (the root lockfile needs them all, so a new
 * workspace breaks every image until it is added), compiled JavaScript at run time, and a non-root user.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseDockerfile } from "../../tools/images/dockerfile";

const root = path.join(__dirname, "..", "..");
const workspaces = (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { workspaces: string[] })
  .workspaces;
const dockerfiles = [
  "services/inference/Dockerfile",
  "services/inference/Dockerfile.cuda",
  "services/training/Dockerfile",
  "services/pipeline/Dockerfile",
  "console/Dockerfile",
].filter((f) => fs.existsSync(path.join(root, f)));

describe.each(dockerfiles)("%s", (file) => {
  const text = fs.readFileSync(path.join(root, file), "utf8");
  const stages = parseDockerfile(text);

  it("builds on Node 24 with the classic builder", () => {
    expect(text).not.toMatch(/^#\s*syntax=/m);
    expect(text).toMatch(/^ARG NODE_IMAGE=node:24-/m);
  });

  it("copies every workspace manifest before installing from the lockfile", () => {
    const deps = stages.find((s) =>
      s.instructions.some((i) => i.kind === "RUN" && i.command.includes("tools/images/install-production.sh")),
    );
    expect(deps, "a stage that runs tools/images/install-production.sh").toBeDefined();
    const copied = deps!.instructions.flatMap((i) => (i.kind === "COPY" && !i.from ? i.sources : []));
    expect(copied).toContain("package-lock.json");
    for (const workspace of workspaces) expect(copied, workspace).toContain(`${workspace}/package.json`);
  });

  it("runs compiled JavaScript as a non-root user", () => {
    const runtime = stages.at(-1)!;
    const entrypoint = runtime.instructions.find((i) => i.kind === "ENTRYPOINT");
    expect(entrypoint?.kind === "ENTRYPOINT" && entrypoint.argv[0]).toBe("node");
    expect(entrypoint?.kind === "ENTRYPOINT" && entrypoint.argv.some((a) => /\/dist\/.+\.js$/.test(a))).toBe(true);
    expect(text).not.toMatch(/tsx|ts-node/);
    expect(text).toMatch(/^USER (node|1000(:1000)?)$/m);
  });
});
