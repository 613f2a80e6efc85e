import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openPlatformData } from "../../services/training/src/platform.js";
import { ingestWith } from "../../services/training/src/data/ingest.js";
import {
  contentHash,
  listDatasetVersions,
  readChangesSince,
  readDatasetVersion,
  readRows,
  snapshotDataset,
  snapshotIncremental,
} from "../../services/training/src/data/versions.js";
import { parseCsv } from "../../services/training/src/data/records.js";
import { inferSchema, validateRecord } from "../../services/training/src/data/schema.js";
import { useEmulators } from "../support/emulators";
import { createHash } from "node:crypto";
import type { RowDoc } from "../../services/training/src/data/ingest.js";

describe("schema and validation (pure)", () => {
  const table = parseCsv("id,a,b,label\n1,1.5,x,yes\n2,oops,y,no\n3,,z,yes\n4,2,w,\n5,3,v,no,extra\n");
  const schema = inferSchema(table.columns, table.records, { label: "label", id: "id" });
  it("infers types by majority", () => {
    expect(schema.columns).toEqual([
      { name: "id", type: "string" },
      { name: "a", type: "number" },
      { name: "b", type: "string" },
      { name: "label", type: "string" },
    ]);
  });
  it.each([
    [0, { row: { id: "1", a: 1.5, b: "x", label: "yes" } }],
    [1, { reason: 'column "a": "oops" is not a number' }],
    [2, { row: { id: "3", a: null, b: "z", label: "yes" } }],
    [3, { reason: 'missing label "label"' }],
    [4, { reason: "expected 4 fields, got 5" }],
  ])("record %i → %j", (i, expected) => {
    expect(validateRecord(table.records[i]!, schema)).toEqual(expected);
  });
});

describe("content hash", () => {
  const row = (rowKey: string, rowHash: string): RowDoc => ({
    id: rowKey,
    dataset: "d",
    rowKey,
    rowHash,
    ingestRun: 1,
    values: {},
  });
  /** The definition: sha256 over the sorted `rowKey\trowHash` lines. */
  const reference = (rows: RowDoc[]) =>
    createHash("sha256")
      .update(
        rows
          .map((r) => `${r.rowKey}\t${r.rowHash}\n`)
          .sort()
          .join(""),
      )
      .digest("hex");

  it("is the hash of the sorted lines whatever the row order, keys that sort before a tab included", () => {
    const rows = ["b", "a", "a\u0001", "ab", "c", "a!"].map((k, i) => row(k, `h${i}`));
    const byKey = [...rows].sort((x, y) => (x.rowKey < y.rowKey ? -1 : 1));
    const plain = byKey.filter((r) => !r.rowKey.includes("\u0001"));
    expect(contentHash(byKey)).toBe(reference(rows));
    expect(contentHash(rows)).toBe(reference(rows));
    expect(contentHash(plain)).toBe(reference(plain));
    expect(contentHash(plain)).not.toBe(contentHash(byKey));
  });
});

describe("ingest and dataset versions on the emulators", () => {
  const emu = useEmulators();
  const csv = [
    "id,x1,x2,label",
    "r1,1,2,a",
    "r2,3,4,b",
    "r3,abc,4,b", // bad number
    "r4,5,,a", // missing feature: kept (imputed in training)
    "r2,9,9,b", // duplicate id
    "r5,7,8", // wrong field count
    ",1,1,a", // missing id
    "r6,1,1,", // missing label
    "r7,2,3,b",
  ].join("\n");

  it("rejects each bad row with its reason, writes every good row, and re-ingests idempotently", async () => {
    const file = join(emu.dir, "rows.csv");
    writeFileSync(file, csv);
    const data = openPlatformData(emu.conn);
    try {
      const s = await ingestWith(data, { file, dataset: "ingest-test", label: "label", id: "id" });
      expect([s.rowsRead, s.written, s.rejected]).toEqual([9, 4, 5]);
      const report = readFileSync(s.rejectedPath, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { line: number; reason: string });
      expect(report.map((r) => [r.line, r.reason])).toEqual([
        [4, 'column "x1": "abc" is not a number'],
        [6, 'duplicate id "r2" (first on line 3)'],
        [7, "expected 4 fields, got 3"],
        [8, 'missing id "id"'],
        [9, 'missing label "label"'],
      ]);
      const rows = await readRows(data, "ingest-test");
      expect(rows.map((r) => r.rowKey)).toEqual(["r1", "r2", "r4", "r7"]);
      expect(rows.find((r) => r.rowKey === "r4")?.values).toEqual({ id: "r4", x1: 5, x2: null, label: "a" });
      const again = await ingestWith(data, { file, dataset: "ingest-test", label: "label", id: "id" });
      expect(again.written).toBe(4);
      expect(again.ingestRun).toBe(s.ingestRun + 1);
      expect((await readRows(data, "ingest-test")).map((r) => r.id)).toEqual(rows.map((r) => r.id));
    } finally {
      data.close();
    }
  });

  it("snapshots versions with hash and watermark, and reads only what changed since", async () => {
    const data = openPlatformData(emu.conn);
    try {
      const f1 = join(emu.dir, "v1.csv");
      writeFileSync(f1, "id,x,label\na,1,p\nb,2,q\nc,3,p\n");
      await ingestWith(data, { file: f1, dataset: "versions-test", label: "label", id: "id" });
      const v1 = await snapshotDataset(data, "versions-test", { actor: "t" });
      expect([v1.version, v1.rowCount]).toEqual(["v1", 3]);
      expect(v1.contentHash).toMatch(/^[0-9a-f]{64}$/);
      expect(await readChangesSince(data, v1)).toEqual([]);
      expect(await snapshotDataset(data, "versions-test", { actor: "t", reuseUnchanged: true })).toEqual(v1);
      const f2 = join(emu.dir, "v2.csv");
      writeFileSync(f2, "id,x,label\nb,20,q\nd,4,q\n");
      await ingestWith(data, { file: f2, dataset: "versions-test", label: "label", id: "id" });
      const changed = await readChangesSince(data, v1);
      expect(changed.map((r) => [r.rowKey, r.values.x])).toEqual([
        ["b", 20],
        ["d", 4],
      ]);
      const v2 = await snapshotDataset(data, "versions-test", { actor: "t" });
      expect([v2.version, v2.rowCount]).toEqual(["v2", 4]);
      expect(v2.contentHash).not.toBe(v1.contentHash);
      // Incremental: v1's export + only the 2 changed rows gives exactly the full snapshot's content.
      const inc = await snapshotIncremental(data, v1, { name: "v2-incremental", actor: "t" });
      expect([inc.changed, inc.version.rowCount, inc.version.contentHash, inc.version.throughIngestRun]).toEqual([
        2,
        4,
        v2.contentHash,
        v2.throughIngestRun,
      ]);
      const v1Rows = await readDatasetVersion(data, v1);
      expect(v1Rows.map((r) => [r.rowKey, r.values.x])).toEqual([
        ["a", 1],
        ["b", 2],
        ["c", 3],
      ]);
      expect((await listDatasetVersions(data, "versions-test")).map((v) => v.version)).toEqual([
        "v1",
        "v2",
        "v2-incremental",
      ]);
      await expect(snapshotDataset(data, "versions-test", { name: "v1", actor: "t" })).rejects.toThrow(
        "versions-test@v1 already exists",
      );
    } finally {
      data.close();
    }
  });
});
