import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openRegistry, type PlatformConnection } from "@ai-platform/registry";
import { build } from "../../services/inference/src/app";
import { loadConfig } from "../../services/inference/src/config";
import { pollDelayMs } from "../../services/inference/src/models/served-models";
import { registrySource } from "../../services/inference/src/sources/registry-source";
import { platformDatabaseId } from "../../components/data-layout";
import { startPersistentCosmos, type PersistentCosmos } from "../../local/cosmos-server";
import { createPlatformData, startAzurite, type Azurite } from "../../local/emulators";
import { addOffset } from "../support/onnx-models";

// The registry's Cosmos DB goes away while a model serves (the emulator is stopped, then started again on the same
// port and data directory, as after an outage): serving goes on, the outage shows in metrics, and polling recovers.
describe("registry outage while serving", () => {
  const dir = mkdtempSync(join(tmpdir(), "registry-outage-"));
  let cosmos: PersistentCosmos;
  let azurite: Azurite;
  let conn: PlatformConnection;
  let app: FastifyInstance;
  const ask = async (): Promise<[number, string]> => {
    const res = await app.inject({
      method: "POST",
      url: "/v2/models/offset/infer",
      payload: { inputs: [{ name: "x", shape: [1, 2], datatype: "FP32", data: [0, 0] }] },
    });
    return [res.statusCode, res.json().model_version];
  };
  const metric = async (name: string): Promise<number> => {
    const text = (await app.inject("/metrics")).body;
    return Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1]);
  };

  beforeAll(async () => {
    cosmos = await startPersistentCosmos({ snapshotDir: join(dir, "cosmos") });
    azurite = await startAzurite({ location: join(dir, "azurite") });
    conn = {
      cosmos: { endpoint: cosmos.endpoint, database: platformDatabaseId, key: cosmos.key },
      storage: { blobEndpoint: azurite.blobEndpoint, connectionString: azurite.connectionString },
    };
    await createPlatformData({ cosmos: { endpoint: cosmos.endpoint, key: cosmos.key }, storage: azurite });
    const { registry, artifacts, close } = await openRegistry(conn);
    try {
      const put = await artifacts.put(addOffset(1), {
        contentType: "application/octet-stream",
        fileName: "model.onnx",
      });
      const { version } = await registry.register({
        name: "offset",
        createdBy: "test",
        artifact: {
          uri: put.uri,
          sha256: put.sha256,
          sizeBytes: put.sizeBytes,
          format: "onnx",
          opset: 17,
          irVersion: 8,
        },
        signature: {
          inputs: [{ name: "x", datatype: "FP32", shape: [-1, 2] }],
          outputs: [{ name: "y", datatype: "FP32", shape: [-1, 2] }],
        },
        task: "regression",
        algorithm: "add",
        hyperparameters: {},
        metrics: {},
        dataset: { name: "none", version: "v1", rowCount: 0, contentHash: "0" },
        baseline: { features: [] },
      });
      await registry.setAlias("offset", "production", version, { actor: "test" });
    } finally {
      close();
    }
    const config = loadConfig({ INFERENCE_MODELS: "offset@production", INFERENCE_CPU_LIMIT: "1" });
    if (config.source.kind !== "registry") throw new Error("expected registry mode");
    const source = registrySource(config.source.models, () => openRegistry(conn));
    app = await build(config, { source, autoSync: false, logger: false });
    await app.ready();
    await app.models.sync();
  });
  afterAll(async () => {
    await app?.close();
    await Promise.all([cosmos?.stop(), azurite?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps serving the loaded version through a Cosmos DB outage, reports it, and recovers", async () => {
    expect(await ask()).toEqual([200, "1"]);
    expect(await metric("inference_model_source_up")).toBe(1);

    const port = Number(new URL(cosmos.endpoint).port);
    await cosmos.stop();
    await app.models.sync();
    await app.models.sync();
    expect(await ask()).toEqual([200, "1"]);
    expect((await app.inject("/v2/health/ready")).statusCode).toBe(200);
    expect(await metric("inference_model_source_up")).toBe(0);
    expect(await metric("inference_model_source_scan_failures_total")).toBe(2);

    cosmos = await startPersistentCosmos({ port, snapshotDir: join(dir, "cosmos") });
    await app.models.sync();
    expect(await metric("inference_model_source_up")).toBe(1);
    expect(await ask()).toEqual([200, "1"]);
  }, 120_000);

  it("keeps serving through a blob outage: only new versions wait for their artifact", async () => {
    await azurite.stop();
    await app.models.sync();
    expect(await ask()).toEqual([200, "1"]);
    azurite = await startAzurite({
      port: Number(new URL(conn.storage.blobEndpoint!).port),
      location: join(dir, "azurite"),
    });
  }, 60_000);

  it("backs polling off while the source is down: the interval, then doubling up to 16x (at most a minute)", () => {
    expect([0, 1, 2, 3, 4, 5, 9].map((n) => pollDelayMs(1000, n))).toEqual([
      1000, 2000, 4000, 8000, 16000, 16000, 16000,
    ]);
    expect(pollDelayMs(5000, 9)).toBe(60_000);
  });
});
