import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BulkOperationType, CosmosClient } from "@azure/cosmos";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { cosmosEmulatorAgent } from "../../local/emulators";
import { startPersistentCosmos, type PersistentCosmos } from "../../local/cosmos-server";
import { journalLine, readJournal } from "../../local/cosmos-journal";
import { loadState } from "../../local/cosmos-files";
import { CorruptDataError } from "../../local/errors";

const dirs: string[] = [];
const running: PersistentCosmos[] = [];
const clients: CosmosClient[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "cosmos-journal-"));
  dirs.push(dir);
  return dir;
}

async function start(dir: string, compactBytes?: number): Promise<{ cosmos: PersistentCosmos; client: CosmosClient }> {
  const cosmos = await startPersistentCosmos({ snapshotDir: dir, ...(compactBytes ? { compactBytes } : {}) });
  running.push(cosmos);
  const client = new CosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key, agent: cosmosEmulatorAgent() });
  clients.push(client);
  return { cosmos, client };
}

/** What a crash right now leaves on disk: a copy of the directory (the journal is flushed before each answer). */
function crashImage(dir: string): string {
  const copy = tempDir();
  cpSync(dir, copy, { recursive: true });
  return copy;
}

async function everything(client: CosmosClient): Promise<unknown> {
  const out: Record<string, unknown> = {};
  for (const db of (await client.databases.readAll().fetchAll()).resources) {
    for (const c of (await client.database(db.id).containers.readAll().fetchAll()).resources) {
      const container = client.database(db.id).container(c.id);
      out[`${db.id}/${c.id}`] = {
        resource: c,
        docs: (await container.items.readAll().fetchAll()).resources,
        udfs: (await container.scripts.userDefinedFunctions.readAll().fetchAll()).resources,
      };
    }
  }
  return out;
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.dispose();
  await Promise.all(running.splice(0).map((c) => c.stop()));
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("the Cosmos emulator's write-ahead journal", () => {
  it("replays every kind of change to the exact state: creates, replaces, deletes, bulk, UDFs, dropped containers", async () => {
    const dir = tempDir();
    const { client } = await start(dir);
    const { database } = await client.databases.create({ id: "db" });
    const { container: a } = await database.containers.create({ id: "a", partitionKey: { paths: ["/pk"] } });
    const { container: gone } = await database.containers.create({ id: "gone", partitionKey: { paths: ["/pk"] } });
    await gone.items.create({ id: "x", pk: "p" });
    for (let i = 0; i < 5; i++) await a.items.create({ id: `d${i}`, pk: `p${i % 2}`, i });
    await a.item("d1", "p1").replace({ id: "d1", pk: "p1", i: 100 });
    await a.item("d2", "p0").delete();
    await a.items.upsert({ id: "d3", pk: "p1", i: 300 });
    await a.item("d4", "p0").patch([{ op: "set", path: "/patched", value: true }]);
    await a.items.executeBulkOperations([
      { operationType: BulkOperationType.Create, partitionKey: "p9", resourceBody: { id: "b1", pk: "p9" } },
      { operationType: BulkOperationType.Delete, partitionKey: "p0", id: "d0" },
    ]);
    await a.scripts.userDefinedFunctions.create({ id: "twice", body: "function (x) { return x * 2; }" });
    await gone.delete();
    const before = await everything(client);

    const second = await start(crashImage(dir));
    expect(second.cosmos.replayedCommits).toBeGreaterThan(10);
    expect(await everything(second.client)).toEqual(before);
    const { resources } = await second.client
      .database("db")
      .container("a")
      .items.query("SELECT VALUE udf.twice(c.i) FROM c WHERE c.id = 'd1'")
      .fetchAll();
    expect(resources).toEqual([200]);
  });

  it("groups concurrent writes into shared commits (one flush for many answers), each write acknowledged durably", async () => {
    const dir = tempDir();
    const { client } = await start(dir);
    const { database } = await client.databases.create({ id: "db" });
    const { container } = await database.containers.create({ id: "c", partitionKey: { paths: ["/pk"] } });
    const before = readJournal(join(dir, "journal.log"), dir).commits.length;
    await Promise.all(Array.from({ length: 64 }, (_, i) => container.items.create({ id: `r${i}`, pk: "p" })));
    const commits = readJournal(join(dir, "journal.log"), dir).commits.slice(before);
    expect(commits.flat()).toHaveLength(64);
    expect(commits.length).toBeLessThan(64);
    const second = await start(crashImage(dir));
    const { resources } = await second.client.database("db").container("c").items.readAll().fetchAll();
    expect(resources).toHaveLength(64);
  });

  it("compacts into state.json when the journal grows past compactBytes, and a crash after that loses nothing", async () => {
    const dir = tempDir();
    const { client } = await start(dir, 4096);
    const { database } = await client.databases.create({ id: "db" });
    const { container } = await database.containers.create({ id: "c", partitionKey: { paths: ["/pk"] } });
    for (let i = 0; i < 40; i++) await container.items.create({ id: `r${i}`, pk: "p", pad: "x".repeat(200) });
    const generation = readJournal(join(dir, "journal.log"), dir).generation!;
    expect(generation).toBeGreaterThan(2);
    expect(loadState(dir, dir).generation).toBe(generation);
    const before = await everything(client);
    const second = await start(crashImage(dir));
    expect(await everything(second.client)).toEqual(before);
  });

  it("compacts less often as the state grows: each compaction waits for as many journal bytes as the state holds", async () => {
    const dir = tempDir();
    const { client } = await start(dir, 4096);
    const { database } = await client.databases.create({ id: "db" });
    const { container } = await database.containers.create({ id: "c", partitionKey: { paths: ["/pk"] } });
    for (let i = 0; i < 400; i += 20)
      await Promise.all(
        Array.from({ length: 20 }, (_, k) =>
          container.items.create({ id: `r${i + k}`, pk: "p", pad: "x".repeat(300) }),
        ),
      );
    // About 150 KB of journal: a fixed 4 KB trigger compacts about 20 times here; a trigger that grows with the
    // state doubles it each time.
    const generation = readJournal(join(dir, "journal.log"), dir).generation!;
    expect(generation).toBeGreaterThan(3);
    expect(generation).toBeLessThan(12);
    const second = await start(crashImage(dir));
    const { resources } = await second.client.database("db").container("c").items.readAll().fetchAll();
    expect(resources).toHaveLength(400);
  });

  it("drops a torn last line (a write that was never answered) and keeps everything before it", async () => {
    const dir = tempDir();
    const { client } = await start(dir);
    await client.databases.create({ id: "db" });
    const crashed = crashImage(dir);
    appendFileSync(join(crashed, "journal.log"), journalLine('[{"s":[],"r":"half"').slice(0, 25));
    const second = await start(crashed);
    expect(second.cosmos.droppedTornBytes).toBe(25);
    expect((await second.client.databases.readAll().fetchAll()).resources.map((d) => d.id)).toEqual(["db"]);
  });

  it("reports a damaged line followed by intact ones with the path and the reset hint, and leaves the file alone", async () => {
    const dir = tempDir();
    const { client } = await start(dir);
    await client.databases.create({ id: "db1" });
    await client.databases.create({ id: "db2" });
    const crashed = crashImage(dir);
    const file = join(crashed, "journal.log");
    const lines = readFileSync(file, "utf8").split("\n");
    lines[1] = lines[1]!.replace("db1", "dbX");
    writeFileSync(file, lines.join("\n"));
    const damaged = readFileSync(file, "utf8");
    const error = await startPersistentCosmos({ snapshotDir: crashed, dataDir: "/data/.platform" }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CorruptDataError);
    expect((error as Error).message).toContain(`${file} is corrupted: line 2: checksum mismatch`);
    expect((error as Error).message).toContain("npm start -- --reset");
    expect(readFileSync(file, "utf8")).toBe(damaged);
  });
});
