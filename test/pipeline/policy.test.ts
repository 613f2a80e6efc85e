// The pipeline policy: the example file parses to exact values, and every bad field is named at once.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PolicyError, parsePolicy, pipelinePolicyExample } from "@ai-platform/pipeline";

const minimal = `
data: { dataset: iris }
triggers: { schedule: "0 3 * * *" }
gate: { metric: log_loss }
rollout:
  steps: [{ weight: 0.2, duration: 90s }]
  abort: { maxErrorRate: 0.01, maxP99LatencyMs: 100 }
`;

describe("pipeline policy", () => {
  it("the example policy parses to milliseconds and the documented defaults", () => {
    const policy = parsePolicy(readFileSync(pipelinePolicyExample, "utf8"));
    expect(policy).toEqual({
      data: { dataset: "iris", label: "species", algorithm: "logistic", seed: 42 },
      triggers: {
        newData: { minNewRows: 50, minGrowthPercent: 25 },
        drift: { psiThreshold: 0.25, window: 60_000, minRows: 50 },
      },
      gate: { metric: "accuracy", margin: 0 },
      rollout: {
        steps: [
          { weight: 0.1, duration: 30_000 },
          { weight: 0.5, duration: 60_000 },
        ],
        shadow: true,
        minRequests: 20,
        abort: { maxErrorRate: 0.01, maxP99LatencyMs: 1000 },
      },
      guardrails: { cooldown: 600_000, stuckAfter: 600_000 },
    });
  });

  it("fills defaults: seed 42, margin 0, shadow on, 20 requests a step, a 1 h cool-down, stuck after 30 min", () => {
    const policy = parsePolicy(minimal);
    expect(policy.data.seed).toBe(42);
    expect(policy.gate.margin).toBe(0);
    expect(policy.rollout).toMatchObject({ shadow: true, minRequests: 20 });
    expect(policy.rollout.steps).toEqual([{ weight: 0.2, duration: 90_000 }]);
    expect(policy.guardrails).toEqual({ cooldown: 3_600_000, stuckAfter: 1_800_000 });
  });

  it.each([
    ["a schedule that is not cron", "triggers: { schedule: x }", "triggers.schedule: must be a cron expression"],
    ["an empty trigger set", "triggers: {}", "triggers: set at least one of schedule, newData, drift"],
    ["a new-data rule without a threshold", "triggers: { newData: {} }", "triggers.newData: set minNewRows"],
    [
      "a weight above 1",
      "rollout: { steps: [{ weight: 1.5, duration: 1m }], abort: { maxErrorRate: 0, maxP99LatencyMs: 1 } }",
      "rollout.steps.0.weight: Too big",
    ],
    [
      "a decreasing weight",
      "rollout: { steps: [{ weight: 0.5, duration: 1m }, { weight: 0.1, duration: 1m }], abort: { maxErrorRate: 0, maxP99LatencyMs: 1 } }",
      "rollout.steps: weights must not decrease",
    ],
    [
      "a duration without a unit",
      "rollout: { steps: [{ weight: 0.5, duration: 60 }], abort: { maxErrorRate: 0, maxP99LatencyMs: 1 } }",
      "rollout.steps.0.duration: Invalid input: expected string",
    ],
    [
      "an unknown gate metric",
      "gate: { metric: precision }",
      'gate.metric: Invalid option: expected one of "accuracy"',
    ],
    ["an unknown key", "extra: 1", '(top level): Unrecognized key: "extra"'],
  ])("rejects %s, naming the field", (_, override, message) => {
    const key = override.split(":")[0]!;
    const text = minimal
      .split("\n")
      .filter((l) => !l.startsWith(key) && !(key === "rollout" && l.startsWith("  ")))
      .join("\n");
    const error = (() => {
      try {
        parsePolicy(`${text}\n${override}\n`, "policy.yaml");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as Error).message).toContain("policy.yaml is not a valid pipeline policy:");
    expect((error as Error).message).toContain(message);
  });

  it("reports several problems at once, and YAML syntax errors as such", () => {
    expect(() => parsePolicy("data: {}\ngate: {}\n")).toThrow(
      /data\.dataset: Invalid input[\s\S]*triggers: Invalid input[\s\S]*gate\.metric[\s\S]*rollout: Invalid input/,
    );
    expect(() => parsePolicy("data: [", "p.yaml")).toThrow("p.yaml is not valid YAML");
  });
});
