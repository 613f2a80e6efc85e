/**
 * `ingest`: validates a CSV, JSONL or JSON-array file against an inferred or given schema and writes the good rows to the
 * `datasets` container with the bulk API. Ids are deterministic (from the id column, or the row's content), so a
 * re-run upserts the same documents. Every bad row goes to the rejection report with its reason.
 */
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import type { JSONObject, OperationInput } from "@azure/cosmos";
import type { PlatformConnection } from "@ai-platform/registry";
import { openPlatformData, statusOf, type PlatformData } from "../platform.js";
import { readTable } from "./records.js";
import {
  type DatasetSchema,
  checkSchemaColumns,
  inferSchema,
  parseSchemaSpec,
  validateRecord,
  type RowValues,
} from "./schema.js";

/** A row as stored in the `datasets` container (partition key `/dataset`). */
export interface RowDoc {
  id: string;
  dataset: string;
  /** The id column's value, or the row's content hash when there is no id column. */
  rowKey: string;
  /** sha256 of the canonical row values: the dataset version's content hash is built from these. */
  rowHash: string;
  /** The ingest run that last wrote this row: incremental reads take rows with a higher run than a snapshot's. */
  ingestRun: number;
  values: RowValues;
}

/** Options of {@link ingestFile}. */
export interface IngestOptions {
  file: string;
  dataset: string;
  label?: string;
  id?: string;
  /** `name:type,...`; inferred from the file when absent. */
  schema?: string;
  /** Where rejected rows go (JSONL: line, reason, values); default `<file>.rejected.jsonl`. */
  rejectedPath?: string;
  /** `bulk` (default, `executeBulkOperations`) or `single` (one upsert per row; for the benchmark). */
  mode?: "bulk" | "single";
  /** Called as rows are written (for a progress bar or JSON logs). */
  onProgress?: (written: number, total: number) => void;
}

/** What an ingest did. */
export interface IngestSummary {
  dataset: string;
  rowsRead: number;
  written: number;
  rejected: number;
  seconds: number;
  rowsPerSecond: number;
  rejectedPath: string;
  ingestRun: number;
  schema: DatasetSchema;
}

const datasetNamePattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

/** Checks a dataset name (used in ids and blob paths); throws naming `--dataset`. */
export function checkDatasetName(name: string): void {
  if (!datasetNamePattern.test(name))
    throw new Error(`--dataset: "${name}" must be 1-63 letters, digits, '_' or '-', starting with a letter or digit`);
}

/** sha256 hex of a value's canonical JSON (keys sorted). */
export function canonicalHash(values: RowValues): string {
  const keys = Object.keys(values).sort();
  return createHash("sha256")
    .update(JSON.stringify(keys.map((k) => [k, values[k]])))
    .digest("hex");
}

/** Reads and bumps the dataset's ingest-run counter with ETag-conditional writes. */
async function nextIngestRun(data: PlatformData, dataset: string): Promise<number> {
  for (;;) {
    const { resource } = await data.versions.item("ingest-runs", dataset).read<{ last: number; _etag: string }>();
    const next = (resource?.last ?? 0) + 1;
    try {
      const doc = { id: "ingest-runs", dataset, type: "ingest-runs", last: next };
      if (resource)
        await data.versions
          .item("ingest-runs", dataset)
          .replace(doc, { accessCondition: { type: "IfMatch", condition: resource._etag } });
      else await data.versions.items.create(doc);
      return next;
    } catch (error) {
      if (statusOf(error) !== 412 && statusOf(error) !== 409) throw error;
    }
  }
}

/** Where an ingest run's written rows are exported (JSONL, one `RowDoc` per line). */
export function ingestRunPath(dataset: string, run: number): string {
  return `ingest-runs/${dataset}/${String(run).padStart(8, "0")}.jsonl`;
}

/**
 * Exports the rows an ingest run wrote to blob storage. Cosmos DB stays the system of record: a snapshot uses
 * these exports only when their merged row count matches the rows Cosmos DB holds, and reads Cosmos otherwise.
 */
async function exportIngestRun(
  data: PlatformData,
  dataset: string,
  run: number,
  rows: readonly RowDoc[],
): Promise<void> {
  if (rows.length > 0) {
    const body = rows.map((r) => JSON.stringify(r)).join("\n");
    await data.datasetBlobs.getBlockBlobClient(ingestRunPath(dataset, run)).upload(body, Buffer.byteLength(body), {
      blobHTTPHeaders: { blobContentType: "application/x-ndjson" },
    });
  }
  const record: IngestRunRecord = { id: `ingest-run-${run}`, dataset, type: "ingest-run", run, written: rows.length };
  await data.versions.items.upsert(record);
}

/** The record of one completed ingest run (container `dataset-versions`): how many rows it wrote and exported. */
export interface IngestRunRecord {
  id: string;
  dataset: string;
  type: "ingest-run";
  run: number;
  written: number;
}

/** Every ingest run of `dataset`, if each one completed its export (a crashed or one-by-one run has none). */
export async function completedIngestRuns(data: PlatformData, dataset: string): Promise<IngestRunRecord[] | undefined> {
  const { resource } = await data.versions.item("ingest-runs", dataset).read<{ last: number }>();
  const runs: IngestRunRecord[] = [];
  for (let run = 1; run <= (resource?.last ?? 0); run++) {
    const { resource: r } = await data.versions.item(`ingest-run-${run}`, dataset).read<IngestRunRecord>();
    if (!r) return undefined;
    runs.push(r);
  }
  return runs;
}

/** Stores the dataset's schema (label and id columns included) for `train` to read. */
async function saveSchema(data: PlatformData, dataset: string, schema: DatasetSchema): Promise<void> {
  await data.versions.items.upsert({
    id: "schema",
    dataset,
    type: "schema",
    schema: schema as unknown as Record<string, unknown>,
  });
}

/** Reads a dataset's stored schema, if it was ever ingested. */
export async function loadSchema(data: PlatformData, dataset: string): Promise<DatasetSchema | undefined> {
  const { resource } = await data.versions.item("schema", dataset).read<{ schema: DatasetSchema }>();
  return resource?.schema;
}

/** Ingests `opts.file` into `opts.dataset`; opens and closes its own clients. */
export async function ingestFile(conn: PlatformConnection, opts: IngestOptions): Promise<IngestSummary> {
  const data = openPlatformData(conn);
  try {
    return await ingestWith(data, opts);
  } finally {
    data.close();
  }
}

/** Ingests with open clients. */
export async function ingestWith(data: PlatformData, opts: IngestOptions): Promise<IngestSummary> {
  checkDatasetName(opts.dataset);
  const started = performance.now();
  const table = readTable(opts.file);
  if (table.columns.length === 0)
    throw new Error(`--file: ${opts.file} has no columns (an empty file, or no header row)`);
  const schema: DatasetSchema = opts.schema
    ? {
        columns: parseSchemaSpec(opts.schema),
        ...(opts.label ? { label: opts.label } : {}),
        ...(opts.id ? { id: opts.id } : {}),
      }
    : inferSchema(table.columns, table.records, {
        ...(opts.label ? { label: opts.label } : {}),
        ...(opts.id ? { id: opts.id } : {}),
      });
  checkSchemaColumns(schema);
  const ingestRun = await nextIngestRun(data, opts.dataset);
  const rejected: { line: number; reason: string; values: unknown }[] = [];
  const good: RowDoc[] = [];
  const firstLine = new Map<string, number>();
  for (const record of table.records) {
    const result = validateRecord(record, schema);
    if ("reason" in result) {
      rejected.push({ line: record.line, reason: result.reason, values: record.values });
      continue;
    }
    const rowHash = canonicalHash(result.row);
    const rowKey = schema.id ? String(result.row[schema.id]) : rowHash;
    const seen = firstLine.get(rowKey);
    if (seen !== undefined) {
      rejected.push({
        line: record.line,
        reason: schema.id
          ? `duplicate id "${rowKey}" (first on line ${seen})`
          : `duplicate row (same values as line ${seen})`,
        values: record.values,
      });
      continue;
    }
    firstLine.set(rowKey, record.line);
    const id = createHash("sha256").update(rowKey).digest("hex").slice(0, 40);
    good.push({ id, dataset: opts.dataset, rowKey, rowHash, ingestRun, values: result.row });
  }
  let written = 0;
  const stored: RowDoc[] = [];
  const fail = (doc: RowDoc, why: string): void => {
    rejected.push({ line: firstLine.get(doc.rowKey) ?? 0, reason: `write failed: ${why}`, values: doc.values });
  };
  if (opts.mode === "single") {
    for (const doc of good) {
      try {
        await data.rows.items.upsert(doc);
        written += 1;
      } catch (error) {
        fail(doc, String(statusOf(error) ?? (error as Error).message));
      }
      if (written % 500 === 0) opts.onProgress?.(written, good.length);
    }
  } else {
    // Chunks go out a few at a time: the SDK batches each chunk by partition, and overlapping chunks keeps the
    // server busy while the client encodes the next one.
    const chunk = 1000;
    const parallel = 4;
    const writeChunk = async (docs: RowDoc[]): Promise<void> => {
      const ops: OperationInput[] = docs.map((doc) => ({
        operationType: "Upsert",
        partitionKey: opts.dataset,
        resourceBody: doc as unknown as JSONObject,
      }));
      const results = await data.rows.items.executeBulkOperations(ops);
      results.forEach((r, i) => {
        const code = r.response?.statusCode ?? 0;
        if (code >= 200 && code < 300) {
          written += 1;
          stored.push(docs[i] as RowDoc);
        } else fail(docs[i] as RowDoc, r.error?.message ?? `status ${code}`);
      });
      opts.onProgress?.(written, good.length);
    };
    for (let start = 0; start < good.length; start += chunk * parallel) {
      const group: Promise<void>[] = [];
      for (let k = 0; k < parallel && start + k * chunk < good.length; k++)
        group.push(writeChunk(good.slice(start + k * chunk, start + (k + 1) * chunk)));
      await Promise.all(group);
    }
  }
  if (opts.mode !== "single") await exportIngestRun(data, opts.dataset, ingestRun, stored);
  if (written > 0 || !(await loadSchema(data, opts.dataset))) await saveSchema(data, opts.dataset, schema);
  const rejectedPath = opts.rejectedPath ?? `${opts.file}.rejected.jsonl`;
  rejected.sort((a, b) => a.line - b.line);
  writeFileSync(rejectedPath, rejected.map((r) => JSON.stringify(r)).join("\n") + (rejected.length ? "\n" : ""));
  // The run's outcome stays with the dataset (the console shows it): counts and the first rejected rows' reasons.
  await data.versions.items.upsert({
    id: `ingest-run-${ingestRun}`,
    dataset: opts.dataset,
    type: "ingest-run",
    run: ingestRun,
    at: new Date().toISOString(),
    rowsRead: table.records.length,
    written,
    rejected: rejected.length,
    sample: rejected.slice(0, 50).map((r) => ({ line: r.line, reason: r.reason })),
  });
  const seconds = (performance.now() - started) / 1000;
  return {
    dataset: opts.dataset,
    rowsRead: table.records.length,
    written,
    rejected: rejected.length,
    seconds,
    rowsPerSecond: written / Math.max(seconds, 1e-9),
    rejectedPath,
    ingestRun,
    schema,
  };
}
