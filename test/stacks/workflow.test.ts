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
    // Steps are listed by `uses`; the AKS token pre-fetch is a `run` step (tested below).
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
      ["test", "compliance", "deploy-dev"],
      ["test", "compliance", "deploy-staging"],
    ]);
    for (const job of ["deploy-dev", "deploy-staging", "deploy-prod"])
      expect(jobs[job].permissions, job).toEqual({ contents: "read", "id-token": "write" });
    expect(jobs["deploy-prod"].with).toMatchObject({ stack: "prod", environment: "prod" });
    // The in-VNet runner, except for the first (infrastructure-only) deploy that creates the VNet.
    expect(jobs["deploy-prod"].with["runs-on"]).toMatch(
      /inputs\.prod-phase == 'infrastructure' && '"ubuntu-latest"' \|\|\s+vars\.RUNNER_PROD \|\| '\["self-hosted","ai-platform-prod"\]'/,
    );
    expect(deploy.doc.jobs.up.environment).toBe("${{ inputs.environment }}");
    expect(deploy.doc.jobs.up.steps.at(-1).with.command).toBe("up");
  });

  it("offers dev and staging deploys and previews only on a runner with a known egress", () => {
    const jobs = platform.doc.jobs;
    // Hosted runners have no fixed egress, and the API servers admit only the authorized ranges.
    expect(platform.text).not.toMatch(/runs-on: '"ubuntu-latest"'/);
    expect(jobs["deploy-dev"].if).toContain("vars.RUNNER_DEV != ''");
    expect(jobs["deploy-staging"].if).toContain("vars.RUNNER_STAGING != ''");
    expect(jobs["deploy-dev"].with["runs-on"]).toBe("${{ vars.RUNNER_DEV }}");
    const steps = jobs.preview.steps as { if?: string; uses?: string; run?: string }[];
    expect(steps[0]!.if).toBe("matrix.runner == ''");
    expect(steps.slice(1).every((s) => s.if === "matrix.runner != ''")).toBe(true);
  });

  it("fetches the AKS token right after the OIDC login, before the federated assertion expires", () => {
    for (const steps of [deploy.doc.jobs.up.steps, platform.doc.jobs.preview.steps] as {
      uses?: string;
      run?: string;
    }[][]) {
      const login = steps.findIndex((s) => s.uses === "azure/login@v2");
      expect(steps[login + 1]!.run).toBe(
        "az account get-access-token --resource 6dae42f8-4368-4678-94ff-3960e28e3630 --output none",
      );
    }
    expect(deploy.doc.jobs.up["timeout-minutes"]).toBe(120);
  });

  it("runs the first-deploy preflight of every stack", () => {
    const compliance = platform.doc.jobs.compliance.steps as { run?: string }[];
    expect(compliance.map((s) => s.run).filter((r) => r?.includes("preflight"))).toEqual([
      "npx ai-platform preflight --stack ${{ matrix.stack }} --json preflight-${{ matrix.stack }}.json",
    ]);
  });

  it("a prod infrastructure phase deploys without workloads from outside the VNet", () => {
    const steps = deploy.doc.jobs.up.steps as { id?: string; if?: string; run?: string; uses?: string; with?: any }[];
    const phase = steps.find((s) => s.id === "phase")!;
    expect(phase.if).toBe("inputs.phase == 'infrastructure'");
    expect(phase.run).toBe(
      `echo 'config=, "ai-platform:workloadsEnabled": { "value": "false", "secret": false }, "ai-platform:deploymentRunner": { "value": "outside-vnet", "secret": false }' >> "$GITHUB_OUTPUT"`,
    );
    const up = steps.find((s) => s.uses === "pulumi/actions@v6")!;
    expect(up.with["config-map"]).toMatch(/"secret": false \}\$\{\{ steps\.phase\.outputs\.config \}\}\n\}/);
    // The JSON stays valid with the phase's extra keys.
    const json = (extra: string) =>
      JSON.parse(
        up.with["config-map"]
          .replace(/\$\{\{ steps\.phase\.outputs\.config \}\}/, extra)
          .replace(/\$\{\{[^}]*\}\}/g, "x"),
      );
    expect(Object.keys(json(""))).toHaveLength(2);
    expect(
      json(phase.run!.slice("echo 'config=".length, phase.run!.indexOf("' >>")))["ai-platform:workloadsEnabled"],
    ).toEqual({
      value: "false",
      secret: false,
    });
  });
});
