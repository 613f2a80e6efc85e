/**
 * `ingest`: streams a CSV, JSONL or JSON-array file, validates each record against an inferred or given schema and
 * writes the good rows to the `datasets` container in transactional batches, exporting them to blob storage as they
 * are stored. Memory stays flat however large the file: the only per-row state is the set of row keys seen, which
 * finds duplicates. Ids are deterministic (from the id column, or the row's content), so a re-run upserts the same
 * documents. Every bad row goes to the rejection report with its line and reason.
 */
import { createHash } from "node:crypto";
import type { PlatformConnection } from "@ai-platform/registry";
import { openPlatformData, statusOf, type PlatformData } from "../platform.js";
import { BatchWriter } from "./batch-writer.js";
import { BlobLinesWriter } from "./blob-lines.js";
import { type IngestRunRecord, type RowDoc, ingestRunPath, nextIngestRun } from "./ingest-runs.js";
import { scanRecords } from "./records.js";
import { RejectionReport } from "./rejection-report.js";
import {
  type DatasetSchema,
  SchemaInference,
  checkSchemaColumns,
  parseSchemaSpec,
  validateRecord,
  type RowValues,
} from "./schema.js";

export { type RowDoc, completedIngestRuns, ingestRunPath } from "./ingest-runs.js";

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
  /** `bulk` (default: transactional batches of 100 rows, several in flight) or `single` (one upsert per row). */
  mode?: "bulk" | "single";
  /** Called as rows are written (for a progress bar or JSON logs); `total` is unknown when `schema` is given. */
  onProgress?: (written: number, total: number | undefined) => void;
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

/** The canonical JSON of a row's values (keys sorted): what its content hash is taken over. */
function canonicalJson(values: RowValues, sortedKeys: readonly string[]): string {
  const pairs: [string, RowValues[string]][] = [];
  for (const k of sortedKeys) if (k in values) pairs.push([k, values[k] ?? null]);
  return JSON.stringify(pairs);
}

/** The schema given by `--schema`, or inferred by a first pass over the file (which also counts its records). */
async function resolveSchema(opts: IngestOptions): Promise<{ schema: DatasetSchema; records?: number }> {
  const roles = { ...(opts.label ? { label: opts.label } : {}), ...(opts.id ? { id: opts.id } : {}) };
  if (opts.schema) return { schema: { columns: parseSchemaSpec(opts.schema), ...roles } };
  const inference = new SchemaInference();
  let records = 0;
  const { columns } = await scanRecords(opts.file, (r) => {
    inference.add(r);
    records += 1;
  });
  if (columns.length === 0) throw new Error(`--file: ${opts.file} has no columns (an empty file, or no header row)`);
  return { schema: inference.schema(columns, roles), records };
}

/** Progress is reported about this often (rows), and once at the end. */
const progressEvery = 5000;

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
  const { schema, records: total } = await resolveSchema(opts);
  checkSchemaColumns(schema);
  const ingestRun = await nextIngestRun(data, opts.dataset);
  const rejectedPath = opts.rejectedPath ?? `${opts.file}.rejected.jsonl`;
  const report = new RejectionReport(rejectedPath);
  const firstLine = new Map<string, number>();
  const sortedKeys = schema.columns.map((c) => c.name).sort();
  const exporter = new BlobLinesWriter(data.datasetBlobs.getBlockBlobClient(ingestRunPath(opts.dataset, ingestRun)), {
    createOnly: true,
  });
  let written = 0;
  let reported = 0;
  const progress = (): void => {
    if (written - reported < progressEvery && written !== total) return;
    reported = written;
    opts.onProgress?.(written, total);
  };
  const writeFailed = (doc: RowDoc, why: string): void =>
    report.add(firstLine.get(doc.id) ?? 0, `write failed: ${why}`, doc.values);
  const writer = new BatchWriter<RowDoc>(data.rows, opts.dataset, {
    onWritten: async (docs) => {
      for (const doc of docs) await exporter.write(JSON.stringify(doc));
      written += docs.length;
      progress();
    },
    onFailed: writeFailed,
  });
  let rowsRead = 0;
  let columnsSeen: number;
  let schemaSaved = false;
  try {
    const { columns } = await scanRecords(opts.file, async (record) => {
      rowsRead += 1;
      const result = validateRecord(record, schema);
      if ("reason" in result) return report.add(record.line, result.reason, record.values);
      const canonical = canonicalJson(result.row, sortedKeys);
      const rowHash = createHash("sha256").update(canonical).digest("hex");
      const rowKey = schema.id ? String(result.row[schema.id]) : rowHash;
      // The document id is a hash of the row key: rows with one id are one document, and the id is short however
      // long the key, so the only per-row state ingest keeps stays small.
      const id = createHash("sha256").update(rowKey).digest().toString("hex", 0, 20);
      const seen = firstLine.get(id);
      if (seen !== undefined) {
        const why = schema.id
          ? `duplicate id "${rowKey}" (first on line ${seen})`
          : `duplicate row (same values as line ${seen})`;
        return report.add(record.line, why, record.values);
      }
      firstLine.set(id, record.line);
      const doc: RowDoc = { id, dataset: opts.dataset, rowKey, rowHash, ingestRun, values: result.row };
      // The schema goes first, so stored rows always have one, even if the file stops parsing later.
      if (!schemaSaved) await saveSchema(data, opts.dataset, schema).then(() => (schemaSaved = true));
      if (opts.mode !== "single") return writer.add(doc, canonical.length + 300);
      try {
        await data.rows.items.upsert(doc);
        written += 1;
        progress();
      } catch (error) {
        writeFailed(doc, String(statusOf(error) ?? (error as Error).message));
      }
    });
    columnsSeen = columns.length;
    await writer.close();
    if (written > 0 && opts.mode !== "single") await exporter.close();
  } catch (error) {
    // A file that stops parsing midway (only possible with --schema; inference reads it all first): let the batches
    // in flight finish (their rows are valid, and a re-run upserts the same documents), then report the error. The
    // run records no export, so this dataset's snapshots read Cosmos DB, the system of record, from then on.
    await writer.close().catch(() => undefined);
    throw error;
  } finally {
    report.close();
  }
  // A run with no valid row keeps the dataset's schema; it records its own only when the dataset has none.
  if (columnsSeen > 0 && !schemaSaved && !(await loadSchema(data, opts.dataset)))
    await saveSchema(data, opts.dataset, schema);
  // The run's outcome stays with the dataset (the console shows it); `exported` lets snapshots read the export.
  const run: IngestRunRecord = {
    id: `ingest-run-${ingestRun}`,
    dataset: opts.dataset,
    type: "ingest-run",
    run: ingestRun,
    at: new Date().toISOString(),
    rowsRead,
    written,
    rejected: report.count,
    sample: report.sample(),
    exported: opts.mode !== "single",
  };
  await data.versions.items.upsert(run);
  if (columnsSeen === 0) throw new Error(`--file: ${opts.file} has no columns (an empty file, or no header row)`);
  const seconds = (performance.now() - started) / 1000;
  return {
    dataset: opts.dataset,
    rowsRead,
    written,
    rejected: report.count,
    seconds,
    rowsPerSecond: written / Math.max(seconds, 1e-9),
    rejectedPath,
    ingestRun,
    schema,
  };
}
