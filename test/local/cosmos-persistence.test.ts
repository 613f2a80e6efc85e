import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BulkOperationType, CosmosClient } from "@azure/cosmos";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { cosmosEmulatorAgent } from "../../local/emulators";
import { startPersistentCosmos, type PersistentCosmos } from "../../local/cosmos-server";
import { CorruptDataError } from "../../local/errors";
import { loadState } from "../../local/cosmos-files";

const dirs: string[] = [];
const running: PersistentCosmos[] = [];
const clients: CosmosClient[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "cosmos-persist-"));
  dirs.push(dir);
  return dir;
}

async function start(snapshotDir: string): Promise<{ cosmos: PersistentCosmos; client: CosmosClient }> {
  const cosmos = await startPersistentCosmos({
    snapshotDir,
    onJournalError: (e) => {
      throw e;
    },
  });
  running.push(cosmos);
  const client = new CosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key, agent: cosmosEmulatorAgent() });
  clients.push(client);
  return { cosmos, client };
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.dispose();
  await Promise.all(running.splice(0).map((c) => c.stop()));
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("startPersistentCosmos", () => {
  it("restores every database, container and item with its _rid, _etag, _ts and order", async () => {
    const dir = tempDir();
    const first = await start(dir);
    const { database } = await first.client.databases.create({ id: "ai-platform" });
    const { container: models } = await database.containers.create({
      id: "models",
      partitionKey: { paths: ["/name"] },
    });
    const { container: rows } = await database.containers.create({
      id: "datasets",
      partitionKey: { paths: ["/dataset"] },
      indexingPolicy: {
        indexingMode: "consistent",
        includedPaths: [{ path: "/dataset/?" }],
        excludedPaths: [{ path: "/*" }],
      },
    });
    await models.items.create({ id: "iris@counter", name: "iris", next: 1 });
    await models.items.create({ id: "iris@aliases", name: "iris", aliases: { production: 1 } });
    for (const n of [3, 1, 2]) await rows.items.create({ id: `r${n}`, dataset: "iris", x: n });
    const { resource: counter } = await models.item("iris@counter", "iris").read();
    await models.item("iris@counter", "iris").replace(
      { id: "iris@counter", name: "iris", next: 2 },
      {
        accessCondition: { type: "IfMatch", condition: counter!._etag },
      },
    );
    const before = (await models.items.readAll().fetchAll()).resources;
    const rowsBefore = (await rows.items.query("SELECT * FROM c").fetchAll()).resources;
    const containerBefore = (await rows.read()).resource;
    await first.cosmos.stop();
    expect(readdirSync(dir).sort()).toEqual(["journal.log", "state.json"]);

    const second = await start(dir);
    expect(second.cosmos.restoredDatabases).toBe(1);
    const db2 = second.client.database("ai-platform");
    expect((await db2.container("models").items.readAll().fetchAll()).resources).toEqual(before);
    expect((await db2.container("datasets").items.query("SELECT * FROM c").fetchAll()).resources).toEqual(rowsBefore);
    expect((await db2.container("datasets").read()).resource).toEqual(containerBefore);

    // An ETag read before the restart still guards a conditional write after it, once.
    const aliases = before.find((d) => d.id === "iris@aliases")!;
    const models2 = db2.container("models");
    const replaced = await models2
      .item("iris@aliases", "iris")
      .replace(
        { id: "iris@aliases", name: "iris", aliases: { production: 2 } },
        { accessCondition: { type: "IfMatch", condition: aliases._etag } },
      );
    expect(replaced.resource!._etag).not.toBe(aliases._etag);
    await expect(
      models2
        .item("iris@aliases", "iris")
        .replace(
          { id: "iris@aliases", name: "iris", aliases: { production: 3 } },
          { accessCondition: { type: "IfMatch", condition: aliases._etag } },
        ),
    ).rejects.toMatchObject({ code: 412 });

    // New items get fresh _rids, never one a restored item has.
    const { resource: fresh } = await db2.container("datasets").items.create({ id: "r4", dataset: "iris", x: 4 });
    expect(rowsBefore.map((r) => r._rid)).not.toContain(fresh!._rid);
  });

  it("has a write on disk when it answers: a copy of the directory taken right then restores it", async () => {
    const dir = tempDir();
    const { client } = await start(dir);
    const { database } = await client.databases.create({ id: "db1" });
    const { container } = await database.containers.create({ id: "c", partitionKey: { paths: ["/pk"] } });
    const { resource: written } = await container.items.create({ id: "a", pk: "p", n: 1 });
    // What is on disk right after the answer is what a crash (kill -9, power loss after fsync) leaves behind.
    const crashed = tempDir();
    cpSync(dir, crashed, { recursive: true });
    const second = await start(crashed);
    expect(second.cosmos.replayedCommits).toBe(3);
    const { resource } = await second.client.database("db1").container("c").item("a", "p").read();
    expect(resource).toEqual(written);
  });

  it("legacy per-database files load and are replaced by state.json at the first compaction", async () => {
    const dir = tempDir();
    const first = await start(dir);
    await first.client.databases.create({ id: "db1" });
    await first.cosmos.stop();
    const state = loadState(dir, dir);
    writeFileSync(join(dir, "db1.json"), JSON.stringify(state.databases[0]));
    rmSync(join(dir, "state.json"));
    rmSync(join(dir, "journal.log"));
    const second = await start(dir);
    expect(second.cosmos.restoredDatabases).toBe(1);
    expect(readdirSync(dir).sort()).toEqual(["journal.log", "state.json"]);
  });

  it("writes state.json a line at a time (documents 1,000 to a line) and reads it back exactly", async () => {
    const dir = tempDir();
    const first = await start(dir);
    const { database } = await first.client.databases.create({ id: "db1" });
    const { container } = await database.containers.create({ id: "c", partitionKey: { paths: ["/pk"] } });
    const ops = Array.from({ length: 2500 }, (_, i) => ({
      operationType: BulkOperationType.Create,
      partitionKey: "p",
      resourceBody: { id: `r${i}`, pk: "p", n: i },
    }));
    await container.items.executeBulkOperations(ops);
    await first.cosmos.save();
    const before = (await container.items.readAll().fetchAll()).resources;
    await first.cosmos.stop();
    const lines = readFileSync(join(dir, "state.json"), "utf8").trimEnd().split("\n");
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: "ai-platform.cosmos-state", version: 2 });
    expect(lines.map((l) => Object.keys(JSON.parse(l) as object)[0])).toEqual([
      "format",
      "database",
      "container",
      "container",
      "container",
    ]);
    const second = await start(dir);
    const after = (await second.client.database("db1").container("c").items.readAll().fetchAll()).resources;
    expect(after).toEqual(before);
    expect(after).toHaveLength(2500);
  });

  it("still reads a version-1 state.json (one JSON document) and rewrites it as lines at the first compaction", async () => {
    const dir = tempDir();
    const first = await start(dir);
    await first.client.databases.create({ id: "db1" });
    await first.cosmos.stop();
    const { generation, databases } = loadState(dir, dir);
    const v1 = JSON.stringify({ format: "ai-platform.cosmos-state", version: 1, generation, databases });
    writeFileSync(join(dir, "state.json"), v1);
    const second = await start(dir);
    expect(second.cosmos.restoredDatabases).toBe(1);
    await second.cosmos.save();
    expect(JSON.parse(readFileSync(join(dir, "state.json"), "utf8").split("\n")[0]!)).toMatchObject({ version: 2 });
  });

  it("names the line of a state.json whose documents come before their database", async () => {
    const dir = tempDir();
    const header = JSON.stringify({ format: "ai-platform.cosmos-state", version: 2, generation: 1 });
    writeFileSync(join(dir, "state.json"), `${header}\n${JSON.stringify({ container: 0, documents: [] })}\n`);
    const error = await startPersistentCosmos({ snapshotDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptDataError);
    expect((error as Error).message).toMatch(/state\.json is corrupted: line 2: documents of container 0 before/);
  });

  it("reports a corrupted snapshot by file and never deletes it", async () => {
    const dir = tempDir();
    const file = join(dir, "ai-platform.json");
    writeFileSync(file, '{"format":"ai-platform.cosmos-snapshot","version":1');
    const error = await startPersistentCosmos({ snapshotDir: dir, dataDir: "/data/.platform" }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CorruptDataError);
    expect((error as Error).message).toContain(`${file} is corrupted`);
    expect((error as Error).message).toContain("npm start -- --reset");
    expect(readFileSync(file, "utf8")).toBe('{"format":"ai-platform.cosmos-snapshot","version":1');
  });

  it("names the bad field of a snapshot that parses but is not valid", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "x.json"),
      JSON.stringify({
        format: "ai-platform.cosmos-snapshot",
        version: 1,
        savedAt: "",
        accountRidCount: 1,
        resource: { id: "x", _rid: "a", _etag: 5, _ts: 1 },
        containerRidCount: 0,
        containers: [],
      }),
    );
    await expect(startPersistentCosmos({ snapshotDir: dir })).rejects.toThrow(
      /x\.json is corrupted: resource\._etag: /,
    );
  });
});
