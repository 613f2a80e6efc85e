/** `*@alias` (every model with the alias) is one rule for the stack config, the Kubernetes workload and the service. */
import { describe, expect, it } from "vitest";
import { servedModelProblem } from "@ai-platform/contracts";
import { inferenceModelsEnv } from "../../components/kubernetes/inference-service";
import { loadConfig } from "../../services/inference/src/config";
import { configKeys } from "../../stacks/config/keys";

describe("served-model entries", () => {
  it.each([
    ["*@production", undefined],
    ["iris@production", undefined],
    ["*@Prod", 'alias "Prod" of "*@alias" must be lowercase letters, digits or "-", for example "*@production"'],
    ["*@", 'alias "" of "*@alias" must be lowercase letters, digits or "-", for example "*@production"'],
  ])("%s", (entry, problem) => {
    expect(servedModelProblem(entry)).toBe(problem);
    const stack = configKeys.inferenceModels.schema.safeParse([entry]);
    expect(stack.success).toBe(problem === undefined);
    if (problem === undefined) {
      expect(inferenceModelsEnv([entry])).toBe(entry);
      const config = loadConfig({ INFERENCE_MODELS: entry });
      expect(config.source.kind === "registry" && config.source.models[0]?.name).toBe(entry.split("@")[0]);
    } else {
      expect(() => inferenceModelsEnv([entry])).toThrow(problem);
      expect(() => loadConfig({ INFERENCE_MODELS: entry })).toThrow(problem);
    }
  });
});
