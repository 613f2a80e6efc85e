/**
 * The streaming data path: records stream from CSV and JSONL exactly as the whole-file parsers read them, rows go to
 * Cosmos DB in transactional batches (a refused row is reported alone, its neighbours stored), and exports are
 * written and read as multi-block blobs without ever holding them whole.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openPlatformData } from "../../services/training/src/platform.js";
import { BatchWriter } from "../../services/training/src/data/batch-writer.js";
import { BlobLinesWriter, readBlobLines } from "../../services/training/src/data/blob-lines.js";
import { ingestWith } from "../../services/training/src/data/ingest.js";
import { type RawRecord, readTable, scanRecords } from "../../services/training/src/data/records.js";
import { snapshotWithRows } from "../../services/training/src/data/versions.js";
import { useEmulators } from "../support/emulators";

async function scanned(file: string): Promise<{ columns: string[]; records: RawRecord[] }> {
  const records: RawRecord[] = [];
  const { columns } = await scanRecords(file, (r) => void records.push(r));
  return { columns, records };
}

describe("streaming records", () => {
  const emu = useEmulators();

  it.each([
    ["rows.csv", 'a,b,label\n1,x,yes\n\n2,"quoted, comma",no\n3,y\n4,z,no,extra\n5,,yes\n'],
    ["rows.jsonl", '{"a":1,"label":"yes"}\n\nnot json\n{"b":"new column","label":"no"}\n[1,2]\n'],
    ["rows.json", '[{"a":1,"label":"yes"},3,{"b":"x","label":"no"}]'],
  ])("%s: scanRecords gives the records and columns readTable gives", async (name, text) => {
    const file = join(emu.dir, name);
    writeFileSync(file, text);
    const whole = readTable(file);
    expect(whole.records.length).toBeGreaterThan(2);
    expect(await scanned(file)).toEqual(whole);
  });

  it("a CSV the parser cannot read names the file flag", async () => {
    const file = join(emu.dir, "broken.csv");
    writeFileSync(file, 'a,b\n1,"unterminated\n');
    await expect(scanRecords(file, () => undefined)).rejects.toThrow(/--file: not a readable CSV file/);
  });
});

describe("transactional batch writes", () => {
  const emu = useEmulators();

  it("stores 250 rows in 100-row batches; a refused row is reported alone and its 99 neighbours stored", async () => {
    const data = openPlatformData(emu.conn);
    try {
      const docs = Array.from({ length: 250 }, (_, i) => ({ id: `row-${i}`, dataset: "batches", n: i }));
      docs[150] = { id: 0 as unknown as string, dataset: "batches", n: 150 }; // the service refuses an id that is not a string
      const written: string[] = [];
      const failed: [string, string][] = [];
      const writer = new BatchWriter<(typeof docs)[number]>(data.rows, "batches", {
        inFlight: 2,
        onWritten: (stored) => void written.push(...stored.map((d) => d.id)),
        onFailed: (doc, reason) => void failed.push([doc.id, reason]),
      });
      for (const doc of docs) await writer.add(doc, 50);
      await writer.close();
      expect(failed).toEqual([[0, "status 400"]]);
      expect(written.sort()).toEqual(
        docs
          .map((d) => d.id)
          .filter((id) => typeof id === "string")
          .sort(),
      );
      expect(writer.requests).toEqual({ batches: 4, single: 0 }); // 3 batches, and the refused one's neighbours again
      const { resources } = await data.rows.items
        .query({ query: "SELECT VALUE COUNT(1) FROM c WHERE c.dataset = 'batches'" }, { partitionKey: "batches" })
        .fetchAll();
      expect(resources).toEqual([249]);
    } finally {
      data.close();
    }
  });
});

describe("batch answers", () => {
  const emu = useEmulators();

  it("carry each document back unless the writer asks for statuses only (Prefer: return=minimal), as on Azure", async () => {
    const data = openPlatformData(emu.conn);
    try {
      const op = (id: string) => ({
        operationType: "Upsert" as const,
        partitionKey: "answers",
        resourceBody: { id, dataset: "answers" },
      });
      const full = await data.rows.items.batch([op("a"), op("b")], "answers");
      expect(full.result?.map((r) => [r.statusCode, (r.resourceBody as { id?: string } | undefined)?.id])).toEqual([
        [201, "a"],
        [201, "b"],
      ]);
      const minimal = await data.rows.items.batch([op("a"), op("c")], "answers", {
        contentResponseOnWriteEnabled: false,
      });
      expect(minimal.result?.map((r) => [r.statusCode, r.resourceBody])).toEqual([
        [200, undefined],
        [201, undefined],
      ]);
    } finally {
      data.close();
    }
  });
});

describe("line blobs", () => {
  const emu = useEmulators();

  it("writes several blocks and reads back every line, multi-byte characters across chunk edges included", async () => {
    const data = openPlatformData(emu.conn);
    try {
      const blob = data.datasetBlobs.getBlockBlobClient("tests/lines.jsonl");
      const lines = Array.from({ length: 60_000 }, (_, i) => `${i} ${"é€😀".repeat(i % 7)} ${"x".repeat(100)}`);
      const out = new BlobLinesWriter(blob, { createOnly: true });
      for (const line of lines) await out.write(line);
      await out.close();
      const { committedBlocks } = await blob.getBlockList("committed");
      expect(committedBlocks?.length).toBeGreaterThan(1);
      const back: string[] = [];
      await readBlobLines(blob, (line) => void back.push(line));
      expect(back).toEqual(lines);
      const again = new BlobLinesWriter(blob, { createOnly: true });
      await again.write("overwrite");
      await expect(again.close()).rejects.toMatchObject({ statusCode: 409 });
    } finally {
      data.close();
    }
  });

  it("ingest exports what it stored: a snapshot of the dataset reads the export, not row queries", async () => {
    const file = join(emu.dir, "export.csv");
    writeFileSync(file, ["id,x,y", ...Array.from({ length: 1234 }, (_, i) => `r${i},${i / 10},${i % 2}`)].join("\n"));
    const data = openPlatformData(emu.conn);
    try {
      const s = await ingestWith(data, { file, dataset: "exported", label: "y", id: "id" });
      expect([s.rowsRead, s.written, s.rejected]).toEqual([1234, 1234, 0]);
      const { resource: run } = await data.versions.item(`ingest-run-${s.ingestRun}`, "exported").read();
      expect(run).toMatchObject({ written: 1234, exported: true });
      const lines: string[] = [];
      await readBlobLines(
        data.datasetBlobs.getBlockBlobClient(`ingest-runs/exported/${String(s.ingestRun).padStart(8, "0")}.jsonl`),
        (line) => void lines.push(line),
      );
      expect(new Set(lines.map((l) => (JSON.parse(l) as { rowKey: string }).rowKey)).size).toBe(1234);
    } finally {
      data.close();
    }
  });

  it("a one-by-one ingest has no export, so a snapshot of its dataset reads the rows from Cosmos DB", async () => {
    const file = join(emu.dir, "single.csv");
    writeFileSync(file, "id,x,y\na,1,0\nb,2,1\nc,3,0\n");
    const data = openPlatformData(emu.conn);
    try {
      const s = await ingestWith(data, { file, dataset: "single", label: "y", id: "id", mode: "single" });
      expect(s.written).toBe(3);
      const { resource: run } = await data.versions.item("ingest-run-1", "single").read();
      expect(run).toMatchObject({ written: 3, exported: false });
      const { version, rows } = await snapshotWithRows(data, "single", { actor: "test" });
      expect(rows.map((r) => r.rowKey)).toEqual(["a", "b", "c"]);
      expect([version.exportParts, version.exportPath]).toEqual([undefined, "snapshots/single/v1.jsonl"]);
    } finally {
      data.close();
    }
  });

  it("a file that stops parsing midway (with --schema) fails clearly; what was stored stays readable", async () => {
    const file = join(emu.dir, "broken-late.csv");
    const good = Array.from({ length: 450 }, (_, i) => `${i},${i % 2}`);
    writeFileSync(file, ["x,y", ...good, '1,"unterminated'].join("\n"));
    const data = openPlatformData(emu.conn);
    try {
      await expect(
        ingestWith(data, {
          file,
          dataset: "late",
          schema: "x:number,y:integer",
          label: "y",
          rejectedPath: `${file}.rej`,
        }),
      ).rejects.toThrow(/--file: not a readable CSV file/);
      const { rows } = await snapshotWithRows(data, "late", { actor: "test" });
      const stored = await data.rows.items
        .query({ query: "SELECT VALUE COUNT(1) FROM c WHERE c.dataset = 'late'" }, { partitionKey: "late" })
        .fetchAll();
      expect(rows.length).toBe(stored.resources[0]);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => typeof r.values.x === "number")).toBe(true);
    } finally {
      data.close();
    }
  });

  it("an empty file with --schema is refused, and the run it took is still recorded", async () => {
    const file = join(emu.dir, "empty.csv");
    writeFileSync(file, "");
    const data = openPlatformData(emu.conn);
    try {
      await expect(ingestWith(data, { file, dataset: "empty", schema: "a:number", label: "a" })).rejects.toThrow(
        /has no columns/,
      );
      const { resource } = await data.versions.item("ingest-run-1", "empty").read();
      expect(resource).toMatchObject({ written: 0, exported: true });
    } finally {
      data.close();
    }
  });
});
