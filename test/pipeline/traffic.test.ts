// The registry's traffic split on the emulators: what the controller writes (validated, audited) is what the
// inference service's registry source serves; deploy-time canary/shadow refs take precedence over it.
import { openRegistry, RegistryNotFoundError, type ModelRegistry, type NewModelVersion } from "@ai-platform/registry";
import { registrySource, type RegistryHandle } from "@ai-platform/inference";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addOffset } from "../support/onnx-models";
import { useEmulators } from "../support/emulators";

describe("the traffic split", () => {
  const emu = useEmulators();
  let handle: RegistryHandle;
  let registry: ModelRegistry;

  async function register(offset: number): Promise<number> {
    const put = await handle.artifacts.put(addOffset(offset), {
      contentType: "application/octet-stream",
      fileName: "model.onnx",
    });
    const input: NewModelVersion = {
      name: "split",
      createdBy: "test",
      artifact: { ...put, format: "onnx", opset: 17, irVersion: 8 },
      signature: {
        inputs: [{ name: "x", datatype: "FP32", shape: [-1, 2] }],
        outputs: [{ name: "y", datatype: "FP32", shape: [-1, 2] }],
      },
      task: "regression",
      algorithm: "add",
      hyperparameters: { offset },
      metrics: {},
      dataset: { name: "none", version: "v1", rowCount: 0, contentHash: "0" },
      baseline: { features: [] },
    };
    return (await registry.register(input)).version;
  }

  beforeAll(async () => {
    handle = await openRegistry(emu.conn);
    registry = handle.registry;
    const v1 = await register(1);
    await register(2);
    await registry.setAlias("split", "production", v1, { actor: "test" });
  });
  afterAll(() => handle?.close());

  it("is empty until set; a set is validated and recorded in the audit trail", async () => {
    expect(await registry.getTraffic("split")).toEqual({});
    await expect(
      registry.setTraffic("split", { canary: { version: 9, weight: 0.1 } }, { actor: "t" }),
    ).rejects.toBeInstanceOf(RegistryNotFoundError);
    await expect(registry.setTraffic("split", { canary: { version: 2, weight: 1.5 } }, { actor: "t" })).rejects.toThrow(
      "traffic.canary.weight: 1.5 must be a number from 0 to 1",
    );
    const split = { canary: { version: 2, weight: 0.25 }, shadow: { version: 2 } };
    await registry.setTraffic("split", split, { actor: "controller", reason: "step 1" });
    expect(await registry.getTraffic("split")).toEqual(split);
    const last = (await registry.history("split")).at(-1);
    expect(last).toMatchObject({
      action: "set-traffic",
      version: 2,
      traffic: split,
      actor: "controller",
      reason: "step 1",
    });
  });

  it("the inference service's registry source serves production plus the split; deploy-time refs win", async () => {
    const source = registrySource([{ name: "split", ref: "production" }], async () => handle);
    const [spec] = (await source.scan()).models;
    expect(spec?.defaultVersion).toBe(1);
    expect(spec?.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(spec?.config.canary).toEqual({ version: 2, weight: 0.25 });
    expect(spec?.config.shadow).toEqual({ version: 2 });

    const pinned = registrySource([{ name: "split", ref: "production", shadow: { ref: "1" } }], async () => handle);
    const [fixed] = (await pinned.scan()).models;
    expect(fixed?.config.canary).toBeUndefined();
    expect(fixed?.config.shadow).toEqual({ version: 1 });

    await registry.setTraffic("split", {}, { actor: "controller" });
    const [cleared] = (await source.scan()).models;
    expect(cleared?.versions.map((v) => v.version)).toEqual([1]);
    expect(cleared?.config.canary).toBeUndefined();
  });
});
