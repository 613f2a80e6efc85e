/**
 * The staging stack with the console switched on (as `pulumi preview -c consoleOperatorGroupId=… ` would): the
 * console image is built, the console runs as its own federated identity with registry access, and its resources
 * pass the policy pack (staging's pack config) and the preflight.
 */
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { rules } from "../../policies/rules";
import { evaluate } from "../../tools/check/engine";
import { loadPackConfig } from "../../tools/check/pack-config";
import { planStackResult, type PlanResult } from "../../tools/plan/plan";
import { preflightPlan } from "../../tools/preflight/run";

const GROUP = "44444444-4444-4444-a444-444444444444";
const APP = "55555555-5555-4555-a555-555555555555";
const PROXY = `aipstagingacr.azurecr.io/oauth2-proxy@sha256:${"0123456789abcdef".repeat(4)}`;
let plan: PlanResult;

beforeAll(async () => {
  plan = await planStackResult("staging", {
    config: { consoleOperatorGroupId: GROUP, consoleSignInClientId: APP, consoleProxyImage: PROXY },
  });
}, 180_000);

const isConsole = (name: string): boolean => /console/.test(name);

describe("staging with the console", () => {
  it("builds the console image and deploys the console with its own identity", () => {
    const ofType = (type: string) => plan.resources.filter((r) => r.type === type);
    expect(ofType("ai-platform:kubernetes:PlatformConsole").map((r) => r.name)).toEqual([
      "aip-staging-workloads-console",
    ]);
    const deployment = ofType("kubernetes:apps/v1:Deployment").find((r) => isConsole(r.name));
    const containers = (
      deployment?.inputs as {
        spec: {
          template: {
            spec: { containers: { name: string; image: string; env?: { name: string; value?: string }[] }[] };
          };
        };
      }
    ).spec.template.spec.containers;
    expect(containers.map((c) => c.name)).toEqual(["console", "oauth2-proxy"]);
    expect(containers[1]?.image).toBe(PROXY);
    expect(containers[0]?.env?.find((e) => e.name === "CONSOLE_OPERATOR_GROUP")?.value).toBe(GROUP);
    const credential = ofType("azure-native:managedidentity:FederatedIdentityCredential").find((r) =>
      isConsole(r.name),
    );
    expect(credential?.inputs.subject).toBe("system:serviceaccount:ai-platform:console");
    // Staging builds with ACR Tasks: the console's build runs console/Dockerfile.
    const builds = plan.resources.filter(
      (r) => r.type.startsWith("azure-native:containerregistry:") && isConsole(r.name),
    );
    expect(builds.map((r) => JSON.stringify(r.inputs))).toEqual([
      expect.stringContaining('"dockerFilePath":"console/Dockerfile"'),
    ]);
  });

  it("its resources pass the policy pack at staging's levels", async () => {
    const config = loadPackConfig(path.join(__dirname, "..", "..", "policies", "config", "staging.json"), rules);
    const result = await evaluate({
      resources: plan.resources.map((r) => ({
        type: r.type,
        name: r.name,
        ...(r.parent ? { parent: r.parent } : {}),
        inputs: r.inputs,
      })),
      policies: rules,
      packName: "ai-platform",
      packVersion: "0.0.0",
      config,
    });
    expect(result.findings.filter((f) => isConsole(f.resource) && f.kind === "violation")).toEqual([]);
  });

  it("its resources pass the preflight", () => {
    expect(preflightPlan(plan).filter((f) => isConsole(f.resource))).toEqual([]);
  });
});
