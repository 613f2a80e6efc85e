import { describe, expect, it } from "vitest";
import { CosmosClient } from "@azure/cosmos";
import { BlobServiceClient } from "@azure/storage-blob";
import { cosmosEmulatorAgent } from "../../local/emulators";
import { platformBlobContainers, platformContainers, platformDatabaseId } from "../../components/data-layout";
import { useEmulators } from "../support/emulators";

describe("local emulators", () => {
  const emu = useEmulators();

  it("serve the real Cosmos DB SDK: the data layout's containers exist and items round-trip", async () => {
    const client = new CosmosClient({
      endpoint: emu.conn.cosmos.endpoint,
      key: emu.conn.cosmos.key,
      agent: cosmosEmulatorAgent(),
    });
    try {
      const db = client.database(platformDatabaseId);
      const { resources } = await db.containers.readAll().fetchAll();
      expect(resources.map((c) => c.id).sort()).toEqual(platformContainers.map((c) => c.id).sort());
      const models = resources.find((c) => c.id === "models");
      expect(models?.partitionKey?.paths).toEqual(["/name"]);
      const container = db.container("datasets");
      await container.items.create({ id: "r1", dataset: "d", x: 1 });
      const { resource } = await container.item("r1", "d").read<{ x: number }>();
      expect(resource?.x).toBe(1);
    } finally {
      client.dispose();
    }
  });

  it("serve the real Blob SDK: the data layout's blob containers exist and blobs round-trip", async () => {
    const blobs = BlobServiceClient.fromConnectionString(emu.conn.storage.connectionString);
    const names: string[] = [];
    for await (const c of blobs.listContainers()) names.push(c.name);
    expect(names.sort()).toEqual(Object.values(platformBlobContainers).sort());
    const blob = blobs.getContainerClient("models").getBlockBlobClient("a/b.txt");
    await blob.upload("hello", 5);
    expect((await blob.downloadToBuffer()).toString()).toBe("hello");
    expect(emu.conn.storage.blobEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
    expect(emu.conn.cosmos.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
  });
});
