import { describe, expect, it } from "vitest";
import {
  ArtifactIntegrityError,
  RegistryConflictError,
  blobContainers,
  connectionFromEnv,
  containerIds,
  defaultDatabaseId,
  openRegistry,
  readLocalPlatform,
  sha256Hex,
  type NewModelVersion,
} from "@ai-platform/registry";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { platformBlobContainers, platformContainers, platformDatabaseId } from "../../components/data-layout";
import { useEmulators } from "../support/emulators";
import { CosmosClient } from "@azure/cosmos";
import { cosmosEmulatorAgent } from "../../local/emulators";

function newVersion(name: string, accuracy = 0.9): NewModelVersion {
  return {
    name,
    createdBy: "test",
    artifact: {
      uri: "http://x/models/sha256/abc/model.onnx",
      sha256: "abc",
      sizeBytes: 3,
      format: "onnx",
      opset: 17,
      irVersion: 8,
    },
    signature: {
      inputs: [{ name: "features", datatype: "FP32", shape: [-1, 4] }],
      outputs: [{ name: "label", datatype: "INT64", shape: [-1] }],
    },
    task: "classification",
    labels: ["a", "b"],
    algorithm: "logistic",
    hyperparameters: { l2: 0.01 },
    metrics: { accuracy },
    dataset: { name: "iris", version: "v1", rowCount: 150, contentHash: "h" },
    baseline: { features: [] },
  };
}

describe("registry layout defaults", () => {
  it("equal components/data-layout.ts", () => {
    expect(defaultDatabaseId).toBe(platformDatabaseId);
    expect(Object.values(containerIds).sort()).toEqual(platformContainers.map((c) => c.id).sort());
    expect(blobContainers).toEqual(platformBlobContainers);
  });
});

describe("connectionFromEnv / readLocalPlatform", () => {
  it("reads the variables, defaults the database, and names every missing one", () => {
    expect(connectionFromEnv({ COSMOS_ENDPOINT: "https://a/", STORAGE_BLOB_ENDPOINT: "https://b/" })).toEqual({
      cosmos: { endpoint: "https://a/", database: "ai-platform" },
      storage: { blobEndpoint: "https://b/" },
    });
    expect(() => connectionFromEnv({})).toThrow(
      "missing environment variable(s): COSMOS_ENDPOINT, STORAGE_BLOB_ENDPOINT",
    );
    expect(
      connectionFromEnv({
        COSMOS_ENDPOINT: "https://a/",
        COSMOS_DATABASE: "d",
        COSMOS_KEY: "k",
        STORAGE_BLOB_ENDPOINT: "b",
        STORAGE_CONNECTION_STRING: "c",
      }),
    ).toEqual({
      cosmos: { endpoint: "https://a/", database: "d", key: "k" },
      storage: { blobEndpoint: "b", connectionString: "c" },
    });
  });
  it("reads platform.json when present, undefined otherwise", () => {
    const dir = mkdtempSync(join(tmpdir(), "lp-"));
    expect(readLocalPlatform(dir)).toBeUndefined();
    const state = {
      pid: 1,
      startedAt: "t",
      connection: {
        cosmos: { endpoint: "https://127.0.0.1:1/", database: "ai-platform", key: "k" },
        storage: { blobEndpoint: "http://b" },
      },
    };
    writeFileSync(join(dir, "platform.json"), JSON.stringify(state));
    expect(readLocalPlatform(dir)).toEqual(state);
  });
  it("refuses a key for a non-loopback Cosmos endpoint", async () => {
    await expect(
      openRegistry({
        cosmos: { endpoint: "https://acct.documents.azure.com/", database: "d", key: "k" },
        storage: { blobEndpoint: "https://x" },
      }),
    ).rejects.toThrow("cosmos.key is only accepted for a loopback emulator endpoint");
  });
});

describe("model registry on the emulators", () => {
  const emu = useEmulators();

  it("gives concurrent registrations distinct consecutive versions", async () => {
    const opened = await Promise.all(Array.from({ length: 3 }, () => openRegistry(emu.conn)));
    try {
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => opened[i % 3]!.registry.register(newVersion("concurrent"))),
      );
      expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      const listed = await opened[0]!.registry.listVersions("concurrent");
      expect(listed.map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      expect(listed.every((v) => v.status === "candidate" && v.id === `concurrent@${v.version}`)).toBe(true);
      expect(await opened[0]!.registry.listModels()).toContain("concurrent");
      const next = await opened[1]!.registry.register(newVersion("concurrent"));
      expect(next.version).toBe(13);
    } finally {
      opened.forEach((o) => o.close());
    }
  });

  it("lists statuses by the production alias when a crash left the stored copies behind the alias", async () => {
    const { registry, close } = await openRegistry(emu.conn);
    const cosmos = new CosmosClient({
      endpoint: emu.conn.cosmos.endpoint,
      key: emu.conn.cosmos.key,
      agent: cosmosEmulatorAgent(),
    });
    try {
      await registry.register(newVersion("halfway"));
      await registry.register(newVersion("halfway"));
      await registry.setAlias("halfway", "production", 1, { actor: "test" });
      await registry.setAlias("halfway", "production", 2, { actor: "test" });
      // What a crash right after the alias moved leaves: v1 still stored as production, v2 as candidate.
      const models = cosmos.database(emu.conn.cosmos.database).container("models");
      await models.item("halfway@1", "halfway").patch([{ op: "set", path: "/status", value: "production" }]);
      await models.item("halfway@2", "halfway").patch([{ op: "set", path: "/status", value: "candidate" }]);
      expect((await registry.listVersions("halfway")).map((v) => [v.version, v.status])).toEqual([
        [1, "archived"],
        [2, "production"],
      ]);
    } finally {
      cosmos.dispose();
      close();
    }
  });

  it("sets aliases with ETag conflicts, resolves refs, tracks status and history", async () => {
    const { registry, close } = await openRegistry(emu.conn);
    try {
      await registry.register(newVersion("alias"));
      await registry.register(newVersion("alias"));
      const before = await registry.getAliases("alias");
      expect(before).toEqual({ aliases: {}, etag: "" });
      await registry.setAlias("alias", "production", 1, { actor: "alice", reason: "first", ifMatch: before.etag });
      await expect(
        registry.setAlias("alias", "production", 2, { actor: "bob", ifMatch: before.etag }),
      ).rejects.toBeInstanceOf(RegistryConflictError);
      const after = await registry.getAliases("alias");
      expect(after.aliases).toEqual({ production: 1 });
      await registry.setAlias("alias", "production", 2, { actor: "bob", ifMatch: after.etag });
      expect((await registry.resolve("alias", "production"))?.version).toBe(2);
      expect((await registry.resolve("alias", "latest"))?.version).toBe(2);
      expect((await registry.resolve("alias", "1"))?.status).toBe("archived");
      expect((await registry.resolve("alias", "2"))?.status).toBe("production");
      expect(await registry.resolve("alias", "staging")).toBeUndefined();
      const events = await registry.history("alias");
      expect(events.map((e) => [e.action, e.version, e.alias, e.previousVersion, e.actor])).toEqual([
        ["register", 1, undefined, undefined, "test"],
        ["register", 2, undefined, undefined, "test"],
        ["set-alias", 1, "production", undefined, "alice"],
        ["set-alias", 2, "production", 1, "bob"],
      ]);
      await expect(registry.setAlias("alias", "production", 9, { actor: "x" })).rejects.toThrow(
        "alias@9 is not registered",
      );
      await expect(registry.setAlias("alias", "Prod", 1, { actor: "x" })).rejects.toThrow(
        'alias: "Prod" must be lowercase',
      );
    } finally {
      close();
    }
  });

  it("concurrent promotions from the same read: exactly one wins", async () => {
    const a = await openRegistry(emu.conn);
    const b = await openRegistry(emu.conn);
    try {
      await a.registry.register(newVersion("race"));
      await a.registry.register(newVersion("race"));
      const { etag } = await a.registry.getAliases("race");
      const outcomes = await Promise.allSettled([
        a.registry.setAlias("race", "production", 1, { actor: "a", ifMatch: etag }),
        b.registry.setAlias("race", "production", 2, { actor: "b", ifMatch: etag }),
      ]);
      expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
      const rejected = outcomes.filter((o) => o.status === "rejected");
      expect(rejected).toHaveLength(1);
      expect((rejected[0] as PromiseRejectedResult).reason).toBeInstanceOf(RegistryConflictError);
    } finally {
      a.close();
      b.close();
    }
  });

  it("stores artifacts content-addressed, never overwrites, verifies sha256", async () => {
    const { artifacts, close } = await openRegistry(emu.conn);
    try {
      const bytes = new TextEncoder().encode("onnx bytes");
      const first = await artifacts.put(bytes, { contentType: "application/octet-stream", fileName: "model.onnx" });
      expect(first.sha256).toBe(sha256Hex(bytes));
      expect(first.sizeBytes).toBe(bytes.byteLength);
      expect(first.uri).toBe(`${emu.conn.storage.blobEndpoint}/models/sha256/${first.sha256}/model.onnx`);
      const again = await artifacts.put(bytes, { contentType: "application/octet-stream", fileName: "model.onnx" });
      expect(again).toEqual(first);
      expect(await artifacts.get(first.uri, first.sha256)).toEqual(bytes);
      await expect(artifacts.get(first.uri, "0".repeat(64))).rejects.toBeInstanceOf(ArtifactIntegrityError);
      await expect(artifacts.put(bytes, { contentType: "x", fileName: "../evil" })).rejects.toThrow(
        'fileName: "../evil"',
      );
      // Azurite restarted on another loopback port is the same store; another host never is.
      const moved = new URL(first.uri);
      moved.port = String(Number(moved.port) + 1);
      expect(await artifacts.get(moved.href, first.sha256)).toEqual(bytes);
      const foreign = new URL(first.uri);
      foreign.hostname = "models.example.com";
      await expect(artifacts.get(foreign.href, first.sha256)).rejects.toThrow("is not in this artifact store");
    } finally {
      close();
    }
  });
});
