/**
 * Dataset versions: a named snapshot records the query it read, the row count, a content hash over
 * (rowKey, rowHash), the ingest-run watermark and the change-feed continuation at that moment, and exports the rows
 * to blob storage so a model's lineage names (and can re-read) exactly the data it saw. Incremental reads take the
 * rows written by later ingest runs (the same rows the change feed would deliver since the snapshot).
 */
import { createHash } from "node:crypto";
import { ChangeFeedStartFrom } from "@azure/cosmos";
import type { PlatformData } from "../platform.js";
import { statusOf } from "../platform.js";
import { BlobLinesWriter, readBlobLines } from "./blob-lines.js";
import { checkDatasetName, loadSchema } from "./ingest.js";
import { type RowDoc, completedIngestRuns, ingestRunPath } from "./ingest-runs.js";
import type { DatasetSchema } from "./schema.js";

/** A stored dataset version (container `dataset-versions`, partition `/dataset`, id `version-<name>`). */
export interface DatasetVersion {
  id: string;
  type: "version";
  dataset: string;
  version: string;
  query: string;
  rowCount: number;
  /** sha256 over the sorted `rowKey\trowHash` lines: equal hashes mean equal data. */
  contentHash: string;
  /** Highest ingest run included; incremental reads start after it. */
  throughIngestRun: number;
  /** Change-feed continuation token at snapshot time (for Azure change-feed consumers). */
  changeFeedContinuation?: string;
  /**
   * Where the rows are, in the `datasets` blob container: `exportParts`, the ingest-run exports the snapshot was
   * merged from (in order, a later run winning per row key; they are written once and never overwritten), or
   * `exportPath`, one JSONL export written for the version (rows read from Cosmos DB, incremental snapshots).
   */
  exportPath?: string;
  exportParts?: string[];
  schema: DatasetSchema;
  createdAt: string;
  createdBy: string;
}

const rowsQuery = "SELECT * FROM c WHERE c.dataset = @dataset";

/** Drops Cosmos DB's system properties from a stored version. */
function withoutSystemFields(v: DatasetVersion): DatasetVersion {
  const { _rid, _self, _etag, _attachments, _ts, ...rest } = v as DatasetVersion &
    Record<"_rid" | "_self" | "_etag" | "_attachments" | "_ts", unknown>;
  void [_rid, _self, _etag, _attachments, _ts];
  return rest;
}

/** Reads every row of a dataset (one partition; pages of 1000; parallel across partitions on Azure). */
export async function readRows(data: PlatformData, dataset: string, afterIngestRun?: number): Promise<RowDoc[]> {
  const query = afterIngestRun === undefined ? rowsQuery : `${rowsQuery} AND c.ingestRun > @run`;
  const parameters = [
    { name: "@dataset", value: dataset },
    ...(afterIngestRun === undefined ? [] : [{ name: "@run", value: afterIngestRun }]),
  ];
  const iterator = data.rows.items.query<RowDoc>(
    { query, parameters },
    { partitionKey: dataset, maxItemCount: 1000, maxDegreeOfParallelism: -1 },
  );
  const out: RowDoc[] = [];
  while (iterator.hasMoreResults()) {
    const page = await iterator.fetchNext();
    for (const r of page.resources)
      out.push({
        id: r.id,
        dataset: r.dataset,
        rowKey: r.rowKey,
        rowHash: r.rowHash,
        ingestRun: r.ingestRun,
        values: r.values,
      });
  }
  return out.sort(byRowKey);
}

/**
 * The dataset's current rows. When every ingest run recorded a completed export (the rows it wrote to Cosmos DB,
 * as JSONL in blob storage), they come from those exports, later runs winning per row key: blobs stream at disk
 * speed where row queries page. Otherwise (a run that crashed midway, one-by-one writes) they come from Cosmos DB,
 * which stays the system of record.
 */
export async function readCurrentRows(
  data: PlatformData,
  dataset: string,
): Promise<{ rows: RowDoc[]; parts?: string[] }> {
  const runs = await completedIngestRuns(data, dataset);
  if (!runs || runs.length === 0) return { rows: await readRows(data, dataset) };
  const parts = runs.filter((run) => run.written > 0).map((run) => ingestRunPath(dataset, run.run));
  return { rows: await readMergedExports(data, parts), parts };
}

/** The rows of JSONL exports merged in order (a later export wins per row key), sorted by row key. */
async function readMergedExports(data: PlatformData, paths: readonly string[]): Promise<RowDoc[]> {
  const merged = new Map<string, RowDoc>();
  for (const path of paths)
    await readBlobLines(data.datasetBlobs.getBlockBlobClient(path), (line) => {
      const row = JSON.parse(line) as RowDoc;
      merged.set(row.rowKey, row);
    });
  return [...merged.values()].sort(byRowKey);
}

/** Orders rows by key (exports and reads are in this order). */
function byRowKey(a: RowDoc, b: RowDoc): number {
  return a.rowKey < b.rowKey ? -1 : a.rowKey > b.rowKey ? 1 : 0;
}

/** Writes rows to a new export blob, line by line; refuses to overwrite one (versions are immutable). */
async function writeExport(data: PlatformData, path: string, rows: readonly RowDoc[]): Promise<void> {
  const out = new BlobLinesWriter(data.datasetBlobs.getBlockBlobClient(path), { createOnly: true });
  for (const r of rows) await out.write(JSON.stringify(r));
  await out.close();
}

/** The content hash of a set of rows (order-independent). */
export function contentHash(rows: readonly RowDoc[]): string {
  const line = (r: RowDoc): string => `${r.rowKey}\t${r.rowHash}\n`;
  const hash = createHash("sha256");
  // Rows usually come sorted by key, which is the lines' order too: then the lines are hashed one by one instead of
  // being built, sorted and joined all at once (hundreds of MB at a million rows).
  let ordered = true;
  for (let i = 1; i < rows.length && ordered; i++) ordered = line(rows[i - 1] as RowDoc) <= line(rows[i] as RowDoc);
  if (ordered) for (const r of rows) hash.update(line(r));
  else hash.update(rows.map(line).sort().join(""));
  return hash.digest("hex");
}

async function changeFeedNow(data: PlatformData, dataset: string): Promise<string | undefined> {
  try {
    const it = data.rows.items.getChangeFeedIterator({
      changeFeedStartFrom: ChangeFeedStartFrom.Now(dataset),
      maxItemCount: 1,
    });
    return (await it.readNext()).continuationToken;
  } catch {
    return undefined; // a continuation is a convenience for Azure consumers; the watermark is authoritative
  }
}

/** Lists a dataset's versions, oldest first. */
export async function listDatasetVersions(data: PlatformData, dataset: string): Promise<DatasetVersion[]> {
  const { resources } = await data.versions.items
    .query<DatasetVersion>(
      {
        query: "SELECT * FROM c WHERE c.dataset = @d AND c.type = 'version'",
        parameters: [{ name: "@d", value: dataset }],
      },
      { partitionKey: dataset },
    )
    .fetchAll();
  return resources.map(withoutSystemFields).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** Reads one version record. */
export async function getDatasetVersion(
  data: PlatformData,
  dataset: string,
  version: string,
): Promise<DatasetVersion | undefined> {
  const { resource } = await data.versions.item(`version-${version}`, dataset).read<DatasetVersion>();
  return resource ? withoutSystemFields(resource) : undefined;
}

/**
 * Snapshots the dataset's current rows as version `name` (default `v<n+1>`); refuses to overwrite a version.
 * With `reuseUnchanged` (what `train` uses) and no `name`, returns the latest version instead when its content
 * hash equals the current rows', so retraining on unchanged data does not multiply identical versions.
 */
export async function snapshotDataset(
  data: PlatformData,
  dataset: string,
  opts: Parameters<typeof snapshotWithRows>[2],
): Promise<DatasetVersion> {
  return (await snapshotWithRows(data, dataset, opts)).version;
}

/** {@link snapshotDataset}, also handing back the version's rows (so `train` need not read its export again). */
export async function snapshotWithRows(
  data: PlatformData,
  dataset: string,
  opts: {
    name?: string;
    actor: string;
    reuseUnchanged?: boolean;
    /**
     * Record the change-feed position (default true). `train`'s own snapshots skip it: the ingest-run watermark
     * is what incremental reads use, and the emulator answers "now" by scanning the container.
     */
    changeFeedPosition?: boolean;
  },
): Promise<{ version: DatasetVersion; rows: RowDoc[] }> {
  checkDatasetName(dataset);
  const schema = await loadSchema(data, dataset);
  if (!schema) throw new Error(`--dataset: "${dataset}" has no rows; ingest it first`);
  const existing = await listDatasetVersions(data, dataset);
  const name = opts.name ?? `v${existing.length + 1}`;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(name))
    throw new Error(`--name: "${name}" must be letters, digits, '.', '_' or '-'`);
  const changeFeedContinuation = opts.changeFeedPosition === false ? undefined : await changeFeedNow(data, dataset);
  const { rows, parts } = await readCurrentRows(data, dataset);
  const latest = existing.at(-1);
  const hash = contentHash(rows);
  if (opts.reuseUnchanged && !opts.name && latest && latest.contentHash === hash) return { version: latest, rows };
  const exportPath = `snapshots/${dataset}/${name}.jsonl`;
  const record: DatasetVersion = {
    id: `version-${name}`,
    type: "version",
    dataset,
    version: name,
    query: rowsQuery.replace("@dataset", JSON.stringify(dataset)),
    rowCount: rows.length,
    contentHash: hash,
    throughIngestRun: rows.reduce((m, r) => Math.max(m, r.ingestRun), 0),
    ...(changeFeedContinuation ? { changeFeedContinuation } : {}),
    ...(parts ? { exportParts: parts } : { exportPath }),
    schema,
    createdAt: new Date().toISOString(),
    createdBy: opts.actor,
  };
  try {
    // Rows from the ingest exports are already in blob storage, immutable: the version names them. Rows read from
    // Cosmos DB get an export of their own.
    if (!parts) await writeExport(data, exportPath, rows);
    await data.versions.items.create(record);
  } catch (error) {
    if (statusOf(error) === 409 || statusOf(error) === 412)
      throw new Error(`dataset version ${dataset}@${name} already exists; versions are immutable`, { cause: error });
    throw error;
  }
  return { version: record, rows };
}

/** Reads exactly the rows of a version (from its export), verifying the content hash. */
export async function readDatasetVersion(data: PlatformData, version: DatasetVersion): Promise<RowDoc[]> {
  const rows = await readMergedExports(data, version.exportParts ?? [version.exportPath ?? ""]);
  if (contentHash(rows) !== version.contentHash)
    throw new Error(`dataset version ${version.dataset}@${version.version}: export does not match its content hash`);
  return rows;
}

/** Rows written after `version` (by later ingest runs): what incremental retraining reads. */
export async function readChangesSince(data: PlatformData, version: DatasetVersion): Promise<RowDoc[]> {
  return readRows(data, version.dataset, version.throughIngestRun);
}

/**
 * Incremental snapshot: the base version's export merged with only the rows changed since it (later ingest runs
 * override by rowKey). Reads the changes, not the whole dataset.
 */
export async function snapshotIncremental(
  data: PlatformData,
  base: DatasetVersion,
  opts: { name?: string; actor: string },
): Promise<{ version: DatasetVersion; changed: number }> {
  const changes = await readChangesSince(data, base);
  const merged = new Map((await readDatasetVersion(data, base)).map((r) => [r.rowKey, r]));
  for (const r of changes) merged.set(r.rowKey, r);
  const rows = [...merged.values()].sort(byRowKey);
  const name = opts.name ?? `v${(await listDatasetVersions(data, base.dataset)).length + 1}`;
  const exportPath = `snapshots/${base.dataset}/${name}.jsonl`;
  const { exportParts: _parts, ...inherited } = base;
  void _parts;
  const record: DatasetVersion = {
    ...inherited,
    id: `version-${name}`,
    version: name,
    query: `${base.query} AND c.ingestRun > ${base.throughIngestRun} (merged onto ${base.version})`,
    rowCount: rows.length,
    contentHash: contentHash(rows),
    throughIngestRun: changes.reduce((m, r) => Math.max(m, r.ingestRun), base.throughIngestRun),
    exportPath,
    createdAt: new Date().toISOString(),
    createdBy: opts.actor,
  };
  await writeExport(data, exportPath, rows);
  await data.versions.items.create(record);
  return { version: record, changed: changes.length };
}
