/** `ingest --file`: CSV, JSONL and JSON arrays give the same typed rows; bad files and bad rows say what is wrong. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openPlatformData } from "../../services/training/src/platform.js";
import { ingestWith } from "../../services/training/src/data/ingest.js";
import { parseCsv, parseJsonArray, parseJsonl } from "../../services/training/src/data/records.js";
import { inferSchema, parseSchemaSpec, validateRecord } from "../../services/training/src/data/schema.js";
import {
  readCurrentRows,
  readDatasetVersion,
  readRows,
  snapshotWithRows,
} from "../../services/training/src/data/versions.js";
import { useEmulators } from "../support/emulators";

const rows = [
  { when: "2024-03-01", n: 1.5, k: 3, ok: true, color: "red", y: 0 },
  { when: "2024-03-02T10:00:00Z", n: null, k: 4, ok: false, color: null, y: 1 },
  { when: "2024-03-03", n: 2, k: 5, ok: true, color: "blue", y: 1 },
];
const csv =
  "when,n,k,ok,color,y\n2024-03-01,1.5,3,true,red,0\n2024-03-02T10:00:00Z,NA,4,false,,1\n2024-03-03,2,5,TRUE,blue,1\n";

describe("file formats and column types (pure)", () => {
  it("CSV, JSONL and a JSON array infer the same types and give the same typed rows", () => {
    const tables = [
      parseCsv(csv),
      parseJsonl(rows.map((r) => JSON.stringify(r)).join("\n")),
      parseJsonArray(JSON.stringify(rows)),
    ];
    for (const t of tables) {
      const schema = inferSchema(t.columns, t.records, { label: "y" });
      expect(schema.columns).toEqual([
        { name: "when", type: "datetime" },
        { name: "n", type: "number" },
        { name: "k", type: "integer" },
        { name: "ok", type: "boolean" },
        { name: "color", type: "string" },
        { name: "y", type: "integer" },
      ]);
      expect(t.records.map((r) => validateRecord(r, schema))).toEqual([
        { row: { when: "2024-03-01", n: 1.5, k: 3, ok: true, color: "red", y: 0 } },
        { row: { when: "2024-03-02T10:00:00Z", n: null, k: 4, ok: false, color: null, y: 1 } },
        { row: { when: "2024-03-03", n: 2, k: 5, ok: true, color: "blue", y: 1 } },
      ]);
    }
  });
  it.each([
    ["k", 2.5, 'column "k": 2.5 is not an integer'],
    ["ok", "maybe", 'column "ok": "maybe" is not true or false'],
    ["when", "yesterday", 'column "when": "yesterday" is not an ISO-8601 date/time'],
    ["y", "one", 'invalid label: column "y": "one" is not a number'],
    ["y", "NaN", 'missing label "y"'],
  ])("rejects %s = %j: %s", (column, value, reason) => {
    const t = parseJsonArray(JSON.stringify(rows));
    const schema = inferSchema(t.columns, t.records, { label: "y" });
    expect(validateRecord({ line: 9, values: { ...t.records[0]?.values, [column]: value } }, schema)).toEqual({
      reason,
    });
  });
  it("reads a given schema and names a bad entry", () => {
    expect(parseSchemaSpec("a:integer,b:boolean,c:datetime")).toEqual([
      { name: "a", type: "integer" },
      { name: "b", type: "boolean" },
      { name: "c", type: "datetime" },
    ]);
    expect(() => parseSchemaSpec("a:float")).toThrow('--schema: "a:float" must be <column>:<type> with a type of');
  });
});

describe("bad files", () => {
  const emu = useEmulators();
  it.each([
    ["rows.txt", "a,b\n1,2\n", "must end in .csv, .jsonl, .ndjson or .json"],
    ["object.json", '{"a": 1}', "a .json file must hold an array of row objects"],
    ["broken.json", '[{"a": 1},', "--file: not valid JSON"],
    ["empty.csv", "", "has no columns (an empty file, or no header row)"],
    ["quote.csv", 'a,b\n"1,2\n', "--file: not a readable CSV file"],
  ])("%s: %s", async (name, content, message) => {
    const file = join(emu.dir, name);
    writeFileSync(file, content);
    const data = openPlatformData(emu.conn);
    try {
      await expect(ingestWith(data, { file, dataset: "bad", label: "b" })).rejects.toThrow(message);
    } finally {
      data.close();
    }
  });
  it("a JSON array with a non-object element and a JSONL line that is not JSON: only those rows are rejected", async () => {
    const data = openPlatformData(emu.conn);
    try {
      writeFileSync(join(emu.dir, "mixed.json"), JSON.stringify([{ a: 1, b: "x" }, 5, { a: 2, b: "y" }]));
      const s = await ingestWith(data, { file: join(emu.dir, "mixed.json"), dataset: "mixed", label: "b" });
      expect([s.written, s.rejected]).toEqual([2, 1]);
      writeFileSync(join(emu.dir, "mixed.jsonl"), '{"a": 1, "b": "x"}\n{oops\n{"a": 3, "b": "z"}\n');
      const t = await ingestWith(data, { file: join(emu.dir, "mixed.jsonl"), dataset: "mixed2", label: "b" });
      expect([t.written, t.rejected]).toEqual([2, 1]);
    } finally {
      data.close();
    }
  });
});

describe("the rows a snapshot reads", () => {
  const emu = useEmulators();
  it("come from the ingest runs' exports when every run completed, and equal what Cosmos DB holds", async () => {
    const data = openPlatformData(emu.conn);
    try {
      writeFileSync(join(emu.dir, "v1.csv"), "id,x,y\na,1,0\nb,2,1\nc,3,0\n");
      writeFileSync(join(emu.dir, "v2.csv"), "id,x,y\nb,20,1\nd,4,1\n");
      await ingestWith(data, { file: join(emu.dir, "v1.csv"), dataset: "runs", label: "y", id: "id" });
      await ingestWith(data, { file: join(emu.dir, "v2.csv"), dataset: "runs", label: "y", id: "id" });
      const fromCosmos = await readRows(data, "runs");
      expect(fromCosmos.map((r) => [r.rowKey, r.values.x])).toEqual([
        ["a", 1],
        ["b", 20],
        ["c", 3],
        ["d", 4],
      ]);
      expect(await readCurrentRows(data, "runs")).toEqual({
        rows: fromCosmos,
        parts: ["ingest-runs/runs/00000001.jsonl", "ingest-runs/runs/00000002.jsonl"],
      });
      // A version made from them names the exports (written once, never overwritten) and reads back the same rows.
      const { version } = await snapshotWithRows(data, "runs", { actor: "test" });
      expect([version.exportParts?.length, version.exportPath]).toEqual([2, undefined]);
      expect(await readDatasetVersion(data, version)).toEqual(fromCosmos);
      const rewrite = data.datasetBlobs.getBlockBlobClient("ingest-runs/runs/00000001.jsonl");
      await expect(rewrite.upload("x", 1, { conditions: { ifNoneMatch: "*" } })).rejects.toMatchObject({
        statusCode: 409,
      });
      // A run without its completion record (a crash between the rows and the export) sends reads to Cosmos DB.
      writeFileSync(join(emu.dir, "v3.csv"), "id,x,y\na,100,1\n");
      await ingestWith(data, { file: join(emu.dir, "v3.csv"), dataset: "runs", label: "y", id: "id" });
      await data.versions.item("ingest-run-3", "runs").delete();
      const current = await readCurrentRows(data, "runs");
      expect(current.parts).toBeUndefined();
      expect(current.rows.find((r) => r.rowKey === "a")?.values.x).toBe(100);
      expect(current.rows).toEqual(await readRows(data, "runs"));
      // A version of rows read from Cosmos DB gets an export of its own.
      const { version: v2 } = await snapshotWithRows(data, "runs", { actor: "test" });
      expect([v2.exportParts, v2.exportPath]).toEqual([undefined, "snapshots/runs/v2.jsonl"]);
      expect(await readDatasetVersion(data, v2)).toEqual(current.rows);
    } finally {
      data.close();
    }
  });
});
