/**
 * The staging stack with the pipeline controller switched on (`pulumi preview -c pipelineEnabled=true`): its image is
 * built, it runs as its own federated identity holding exactly the data roles it needs, and its resources pass the
 * policy pack (staging's pack config) and the preflight.
 */
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { PipelineAlerts, STUCK_ROLLOUT_EXPRESSION } from "../../components/pipeline-alerts";
import { rules } from "../../policies/rules";
import { resolvePlatformConfig } from "../../stacks/config/resolve";
import { evaluate } from "../../tools/check/engine";
import { loadPackConfig } from "../../tools/check/pack-config";
import { planStackResult, type PlanResult } from "../../tools/plan/plan";
import { preflightPlan } from "../../tools/preflight/run";

let plan: PlanResult;

beforeAll(async () => {
  plan = await planStackResult("staging", { config: { pipelineEnabled: "true" } });
}, 180_000);

const isPipeline = (name: string): boolean => /pipeline/.test(name);
const ofType = (type: string) => plan.resources.filter((r) => r.type === type);

describe("staging with the pipeline controller", () => {
  it("builds the pipeline image and runs the controller with its own identity and no Kubernetes API token", () => {
    expect(ofType("ai-platform:kubernetes:PipelineController").map((r) => r.name)).toEqual([
      "aip-staging-workloads-pipeline",
    ]);
    expect(plan.resources.filter((r) => isPipeline(r.name) && /ContainerImage$/.test(r.type)).length).toBe(1);
    const deployment = ofType("kubernetes:apps/v1:Deployment").find((r) => isPipeline(r.name));
    const pod = (deployment?.inputs as { spec: { template: { spec: Record<string, unknown> } } }).spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe("pipeline");
    const credential = ofType("azure-native:managedidentity:FederatedIdentityCredential").find((r) =>
      isPipeline(r.name),
    );
    expect(credential?.inputs.subject).toBe("system:serviceaccount:ai-platform:pipeline");
  });

  it("its identity holds one Azure role (blob data) where training's holds three: no Key Vault, no telemetry", () => {
    const identities = ofType("ai-platform:identity:WorkloadIdentity").map((r) => r.name);
    const grantsOf = (workload: string) => {
      const identity = identities.find((n) => n.endsWith(`-${workload}`));
      expect(identity).toBeDefined();
      return plan.resources.filter(
        (r) => r.type === "azure-native:authorization:RoleAssignment" && r.parent === identity,
      );
    };
    expect(grantsOf("pipeline")).toHaveLength(1);
    expect(grantsOf("training")).toHaveLength(3);
  });

  it("an Azure Monitor Prometheus rule pages the action group on a stuck rollout", () => {
    const [group] = ofType("azure-native:alertsmanagement:PrometheusRuleGroup");
    expect(group?.name).toBe("aip-staging-pipeline-alerts-rules");
    const inputs = group?.inputs as { clusterName: unknown; scopes: unknown[]; rules: Record<string, unknown>[] };
    expect(inputs.scopes).toHaveLength(1);
    expect(inputs.clusterName).toBeDefined();
    expect(inputs.rules).toHaveLength(1);
    expect(inputs.rules[0]).toMatchObject({
      alert: "PipelineRolloutStuck",
      expression: STUCK_ROLLOUT_EXPRESSION,
      for: "PT5M",
      severity: 2,
    });
    expect((inputs.rules[0]?.actions as unknown[])?.length).toBe(1);
    expect(
      () =>
        new PipelineAlerts("a", {
          resourceGroupName: "rg",
          location: "l",
          azureMonitorWorkspaceId: "w",
          clusterName: "c",
          actionGroupId: "g",
          for: "5m",
        }),
    ).toThrow('for ("5m") must be an ISO 8601 duration in minutes or hours, e.g. "PT5M"');
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
    expect(result.findings.filter((f) => isPipeline(f.resource) && f.kind === "violation")).toEqual([]);
  });

  it("its resources pass the preflight (resource names included)", () => {
    expect(preflightPlan(plan).filter((f) => isPipeline(f.resource))).toEqual([]);
  });

  it("pipelineEnabled is a workload: refused without workloadsEnabled, off by default", () => {
    const base = { environment: "dev", location: "westeurope", clusterAuthorizedIpRanges: '["198.51.100.7/32"]' };
    expect(resolvePlatformConfig(base).pipelineEnabled).toBe(false);
    expect(() => resolvePlatformConfig({ ...base, pipelineEnabled: "true", workloadsEnabled: "false" })).toThrow(
      "pipelineEnabled=true: the pipeline controller is a workload; set workloadsEnabled=true",
    );
  });
});
