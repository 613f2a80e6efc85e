import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const dir = path.join(__dirname, "..", "..", ".github", "workflows");
const read = (file: string): { text: string; doc: any } => {
  const text = fs.readFileSync(path.join(dir, file), "utf8");
  return { text, doc: parse(text) };
};

describe("the blueprint's CI/CD workflow", () => {
  const platform = read("platform.yml");
  const deploy = read("deploy.yml");

  it("uses no stored secrets: Azure and Pulumi by OIDC", () => {
    for (const { text } of [platform, deploy]) expect(text).not.toMatch(/secrets\./);
    expect(platform.doc.jobs.preview.permissions["id-token"]).toBe("write");
    expect(deploy.doc.permissions["id-token"]).toBe("write");
    const steps = deploy.doc.jobs.up.steps.map((s: { uses?: string }) => s.uses).filter(Boolean);
    expect(steps).toEqual([
      "actions/checkout@v4",
      "actions/setup-node@v4",
      "azure/login@v2",
      "azure/use-kubelogin@v1",
      "pulumi/auth-actions@v1",
      "pulumi/actions@v6",
    ]);
    expect(deploy.doc.jobs.up.env.ARM_USE_OIDC).toBe("true");
  });

  it("tests, checks compliance with SARIF upload and previews with the policy pack on pull requests", () => {
    expect(platform.doc.on.pull_request).toBeDefined();
    expect(platform.doc.jobs.test.steps.at(-1).run).toBe("npm test");
    const compliance = platform.doc.jobs.compliance;
    expect(compliance.strategy.matrix.stack).toEqual(["dev", "staging", "prod"]);
    expect(compliance.steps.map((s: { uses?: string }) => s.uses)).toContain("github/codeql-action/upload-sarif@v3");
    expect(compliance.steps.find((s: { run?: string }) => s.run?.includes("check"))?.run).toContain("--format sarif");
    const preview = platform.doc.jobs.preview.steps.find((s: { uses?: string }) => s.uses === "pulumi/actions@v6");
    // The environment's pack config carries its enforcement levels and the device-plugin exemption.
    expect(preview.with).toMatchObject({
      command: "preview",
      policyPacks: "policies",
      policyPackConfigs: "policies/config/${{ matrix.stack }}.json",
    });
    const up = deploy.doc.jobs.up.steps.find((s: { uses?: string }) => s.uses === "pulumi/actions@v6");
    expect(up.with).toMatchObject({
      command: "up",
      policyPacks: "policies",
      policyPackConfigs: "policies/config/${{ inputs.stack }}.json",
    });
  });

  it("deploys each environment on merge, in order, prod in its approval-gated environment on an in-VNet runner", () => {
    const jobs = platform.doc.jobs;
    expect([jobs["deploy-dev"].needs, jobs["deploy-staging"].needs, jobs["deploy-prod"].needs]).toEqual([
      ["test", "compliance"],
      ["deploy-dev"],
      ["deploy-staging"],
    ]);
    for (const job of ["deploy-dev", "deploy-staging", "deploy-prod"])
      expect(jobs[job].permissions, job).toEqual({ contents: "read", "id-token": "write" });
    expect(jobs["deploy-prod"].with).toEqual({
      stack: "prod",
      environment: "prod",
      "runs-on": '["self-hosted","ai-platform-prod"]',
    });
    expect(deploy.doc.jobs.up.environment).toBe("${{ inputs.environment }}");
    expect(deploy.doc.jobs.up.steps.at(-1).with.command).toBe("up");
  });
});
