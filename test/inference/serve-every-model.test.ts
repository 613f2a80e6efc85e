import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { openRegistry, type ModelRegistry, type ArtifactStore, type NewModelVersion } from "@ai-platform/registry";
import { build } from "../../services/inference/src/app";
import { ConfigError, loadConfig } from "../../services/inference/src/config";
import { registrySource } from "../../services/inference/src/sources/registry-source";
import { addOffset } from "../support/onnx-models";
import { useEmulators } from "../support/emulators";

const signature = {
  inputs: [{ name: "x", datatype: "FP32" as const, shape: [-1, 2] }],
  outputs: [{ name: "y", datatype: "FP32" as const, shape: [-1, 2] }],
};

describe("INFERENCE_MODELS=*@production: every model with the alias, capped per pod", () => {
  const emu = useEmulators();
  let registry: ModelRegistry;
  let artifacts: ArtifactStore;
  let closeRegistry: () => void;
  let app: FastifyInstance;

  async function register(name: string, offset: number): Promise<number> {
    const put = await artifacts.put(addOffset(offset), {
      contentType: "application/octet-stream",
      fileName: "model.onnx",
    });
    const input: NewModelVersion = {
      name,
      createdBy: "test",
      artifact: { uri: put.uri, sha256: put.sha256, sizeBytes: put.sizeBytes, format: "onnx", opset: 17, irVersion: 8 },
      signature,
      task: "regression",
      algorithm: "add",
      hyperparameters: { offset },
      metrics: {},
      dataset: { name: "none", version: "v1", rowCount: 0, contentHash: "0" },
      baseline: { features: [] },
    };
    return (await registry.register(input)).version;
  }
  const ask = async (name: string) => {
    const res = await app.inject({
      method: "POST",
      url: `/v2/models/${name}/infer`,
      payload: { inputs: [{ name: "x", shape: [1, 2], datatype: "FP32", data: [0, 0] }] },
    });
    return [res.statusCode, res.json().outputs?.[0]?.data?.[0] ?? res.json().error];
  };
  const index = async () =>
    (await app.inject({ method: "POST", url: "/v2/repository/index" }))
      .json()
      .map((e: { name: string; state: string }) => `${e.name}:${e.state}`);

  beforeAll(async () => {
    ({ registry, artifacts, close: closeRegistry } = await openRegistry(emu.conn));
    await registry.setAlias("alpha", "production", await register("alpha", 1), { actor: "test" });
    await register("beta", 2); // registered, not promoted: not served
    const config = loadConfig({
      INFERENCE_MODELS: "*@production",
      INFERENCE_MAX_MODELS: "2",
      INFERENCE_CPU_LIMIT: "1",
    });
    if (config.source.kind !== "registry") throw new Error("expected registry mode");
    expect(config.source.limits).toEqual({ maxModels: 2, maxBytes: 0 });
    const source = registrySource(config.source.models, () => openRegistry(emu.conn), undefined, config.source.limits);
    app = await build(config, { source, autoSync: false, logger: false });
    await app.ready();
    await app.models.sync();
  });
  afterAll(async () => {
    await app?.close();
    closeRegistry?.();
  });

  it("serves only the models that have the alias, and lists them in the repository index", async () => {
    expect(await ask("alpha")).toEqual([200, 1]);
    expect((await ask("beta"))[0]).toBe(404);
    expect(await index()).toEqual(["alpha:READY"]);
  });

  it("picks up a newly promoted model on the next poll, without a restart", async () => {
    await registry.setAlias("beta", "production", 1, { actor: "test" });
    await app.models.sync();
    expect(await ask("beta")).toEqual([200, 2]);
    expect(await index()).toEqual(["alpha:READY", "beta:READY"]);
  });

  it("answers 503 naming the cap for a model beyond it, and keeps serving the others", async () => {
    await registry.setAlias("gamma", "production", await register("gamma", 3), { actor: "test" });
    await app.models.sync();
    const [status, error] = await ask("gamma");
    expect(status).toBe(503);
    expect(error).toContain("at most 2 models (INFERENCE_MAX_MODELS)");
    expect(await ask("alpha")).toEqual([200, 1]);
    expect(await index()).toEqual(["alpha:READY", "beta:READY", "gamma:UNAVAILABLE"]);
  });

  it("rejects a malformed alias and a bad cap, naming the variable", () => {
    expect(() => loadConfig({ INFERENCE_MODELS: "*@Prod" })).toThrow(ConfigError);
    expect(() => loadConfig({ INFERENCE_MODELS: "*@Prod" })).toThrow('alias "Prod" of "*@alias"');
    expect(() => loadConfig({ INFERENCE_MODELS: "*@production", INFERENCE_MAX_MODELS: "-1" })).toThrow(
      "INFERENCE_MAX_MODELS must be an integer >= 0",
    );
  });
});
