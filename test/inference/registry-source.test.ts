import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { openRegistry, type ModelRegistry, type ArtifactStore, type NewModelVersion } from "@ai-platform/registry";
import { build } from "../../services/inference/src/app";
import { loadConfig } from "../../services/inference/src/config";
import { registrySource } from "../../services/inference/src/sources/registry-source";
import { addOffset } from "../support/onnx-models";
import { useEmulators } from "../support/emulators";

const signature = {
  inputs: [{ name: "x", datatype: "FP32" as const, shape: [-1, 2] }],
  outputs: [{ name: "y", datatype: "FP32" as const, shape: [-1, 2] }],
};
const baseline = { features: [] };

describe("registry source, on the emulators", () => {
  const emu = useEmulators();
  let registry: ModelRegistry;
  let artifacts: ArtifactStore;
  let closeRegistry: () => void;
  let app: FastifyInstance;

  async function register(offset: number, corruptSha = false): Promise<number> {
    const bytes = addOffset(offset);
    const put = await artifacts.put(bytes, { contentType: "application/octet-stream", fileName: "model.onnx" });
    const input: NewModelVersion = {
      name: "offset",
      createdBy: "test",
      artifact: {
        uri: put.uri,
        sha256: corruptSha ? "f".repeat(64) : put.sha256,
        sizeBytes: put.sizeBytes,
        format: "onnx",
        opset: 17,
        irVersion: 8,
      },
      signature,
      task: "regression",
      algorithm: "add",
      hyperparameters: { offset },
      metrics: {},
      dataset: { name: "none", version: "v1", rowCount: 0, contentHash: "0" },
      baseline,
    };
    return (await registry.register(input)).version;
  }

  const ask = async () => {
    const res = await app.inject({
      method: "POST",
      url: "/v2/models/offset/infer",
      payload: { inputs: [{ name: "x", shape: [1, 2], datatype: "FP32", data: [0, 0] }] },
    });
    return [res.statusCode, res.json().model_version, res.json().outputs?.[0]?.data?.[0]];
  };

  beforeAll(async () => {
    ({ registry, artifacts, close: closeRegistry } = await openRegistry(emu.conn));
    const v1 = await register(1);
    await registry.setAlias("offset", "production", v1, { actor: "test" });
    const config = loadConfig({ INFERENCE_MODELS: "offset@production", INFERENCE_CPU_LIMIT: "1" });
    if (config.source.kind !== "registry") throw new Error("expected registry mode");
    const source = registrySource(config.source.models, () => openRegistry(emu.conn));
    app = await build(config, { source, autoSync: false, logger: false });
    await app.ready();
    await app.models.sync();
  });
  afterAll(async () => {
    await app?.close();
    closeRegistry?.();
  });

  it("serves the version the alias points at", async () => {
    expect((await app.inject("/v2/health/ready")).statusCode).toBe(200);
    expect(await ask()).toEqual([200, "1", 1]);
  });

  it("follows a re-alias: downloads, verifies and swaps in the new version", async () => {
    const v2 = await register(2);
    await registry.setAlias("offset", "production", v2, { actor: "test" });
    await app.models.sync();
    expect(await ask()).toEqual([200, String(v2), 2]);
    expect((await app.inject("/v2/models/offset/versions/1")).statusCode).toBe(404);
  });

  it("keeps serving when the aliased artifact fails its sha256 check", async () => {
    const v3 = await register(3, true);
    await registry.setAlias("offset", "production", v3, { actor: "test" });
    await app.models.sync();
    expect(await ask()).toEqual([200, "2", 2]);
    const failed = (await app.inject({ method: "POST", url: "/v2/repository/index" }))
      .json()
      .find((e: any) => e.version === String(v3));
    expect(failed.state).toBe("UNAVAILABLE");
    expect(failed.reason).toMatch(/sha256/i);
    expect((await app.inject("/v2/health/ready")).statusCode).toBe(200);
  });
});
