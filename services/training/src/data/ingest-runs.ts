/**
 * Ingest runs: every `ingest` takes the next run number of its dataset, stamps it on the rows it writes, exports those
 * rows to blob storage, and records its outcome. A snapshot reads the exports instead of querying Cosmos DB when every
 * run recorded a completed export; Cosmos DB stays the system of record.
 */
import type { PlatformData } from "../platform.js";
import { statusOf } from "../platform.js";
import type { RowValues } from "./schema.js";

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

/** The record of one ingest run (container `dataset-versions`, id `ingest-run-<n>`). */
export interface IngestRunRecord {
  id: string;
  dataset: string;
  type: "ingest-run";
  run: number;
  at: string;
  rowsRead: number;
  written: number;
  rejected: number;
  /** The first rejected rows' lines and reasons (the console shows them). */
  sample: { line: number; reason: string }[];
  /** True once every written row is in the run's export ({@link ingestRunPath}). */
  exported: boolean;
}

/** Reads and bumps the dataset's ingest-run counter with ETag-conditional writes. */
export async function nextIngestRun(data: PlatformData, dataset: string): Promise<number> {
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

/** Every ingest run of `dataset`, if each one completed its export (a crashed or one-by-one run has none). */
export async function completedIngestRuns(data: PlatformData, dataset: string): Promise<IngestRunRecord[] | undefined> {
  const { resource } = await data.versions.item("ingest-runs", dataset).read<{ last: number }>();
  const runs: IngestRunRecord[] = [];
  for (let run = 1; run <= (resource?.last ?? 0); run++) {
    const { resource: r } = await data.versions.item(`ingest-run-${run}`, dataset).read<IngestRunRecord>();
    if (!r?.exported) return undefined;
    runs.push(r);
  }
  return runs;
}
