/**
 * Reads a CSV (header row), JSONL or JSON-array file into raw records, one per data line, keeping the line number so every
 * rejection can name it. Lines that cannot be parsed become records with a `parseError`, never silently dropped.
 * `scanRecords` streams CSV and JSONL (memory does not grow with the file); a JSON array is parsed whole.
 */
import { createReadStream, readFileSync } from "node:fs";
import { extname } from "node:path";
import { createInterface } from "node:readline";
import { parse as parseStream } from "csv-parse";
import { parse } from "csv-parse/sync";

/** A raw value: text from CSV, JSON scalars from JSONL; `null` is missing. */
export type RawValue = string | number | boolean | null;

/** One input line. */
export interface RawRecord {
  line: number;
  values: Record<string, RawValue>;
  parseError?: string;
}

/** The file's columns (CSV header, or the union of JSONL keys in first-seen order) and its records. */
export interface RawTable {
  columns: string[];
  records: RawRecord[];
}

/** Parses CSV text with a header row; rows with the wrong number of fields get a `parseError`. */
export function parseCsv(text: string): RawTable {
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, { relax_column_count: true, skip_empty_lines: true, bom: true, info: true }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
  } catch (error) {
    throw new Error(`--file: not a readable CSV file: ${(error as Error).message}`, { cause: error });
  }
  const header = rows[0]?.record;
  if (!header) return { columns: [], records: [] };
  const columns = header.map((h) => h.trim());
  return { columns, records: rows.slice(1).map(({ record, info }) => csvRecord(columns, record, info.lines)) };
}

/** One CSV data row as a record (empty cells are missing). */
function csvRecord(columns: readonly string[], record: readonly string[], line: number): RawRecord {
  const values: Record<string, RawValue> = {};
  columns.forEach((c, i) => (values[c] = record[i] === undefined || record[i] === "" ? null : (record[i] as string)));
  return record.length === columns.length
    ? { line, values }
    : { line, values, parseError: `expected ${columns.length} fields, got ${record.length}` };
}

/** Adds one parsed JSON value as a record: an object of scalars (nested values kept as JSON text). */
function addObject(obj: unknown, line: number, columns: string[], seen: Set<string>, records: RawRecord[]): void {
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) {
    records.push({ line, values: {}, parseError: "not a JSON object" });
    return;
  }
  const values: Record<string, RawValue> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (!seen.has(k)) {
      seen.add(k);
      columns.push(k);
    }
    values[k] = v === null || ["string", "number", "boolean"].includes(typeof v) ? (v as RawValue) : JSON.stringify(v);
  }
  records.push({ line, values });
}

/** Adds one JSON Lines line as a record (a line that is not JSON becomes a record with its parse error). */
function addJsonLine(raw: string, line: number, columns: string[], seen: Set<string>, records: RawRecord[]): void {
  if (raw.trim() === "") return;
  let obj: unknown;
  try {
    obj = JSON.parse(raw);
  } catch (error) {
    records.push({ line, values: {}, parseError: `invalid JSON: ${(error as Error).message}` });
    return;
  }
  addObject(obj, line, columns, seen, records);
}

/** Parses JSON Lines; each line must be a JSON object of scalars. */
export function parseJsonl(text: string): RawTable {
  const columns: string[] = [];
  const seen = new Set<string>();
  const records: RawRecord[] = [];
  text.split(/\r?\n/).forEach((raw, i) => addJsonLine(raw, i + 1, columns, seen, records));
  return { columns, records };
}

/** Parses a JSON array of objects; record `line` is the element's 1-based position in the array. */
export function parseJsonArray(text: string): RawTable {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new Error(`--file: not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!Array.isArray(doc)) throw new Error("--file: a .json file must hold an array of row objects");
  const columns: string[] = [];
  const seen = new Set<string>();
  const records: RawRecord[] = [];
  doc.forEach((obj, i) => addObject(obj, i + 1, columns, seen, records));
  return { columns, records };
}

/** The file's extension, checked: `.csv`, `.jsonl`/`.ndjson` or `.json`. */
function tableFormat(file: string): string {
  const ext = extname(file).toLowerCase();
  if (![".csv", ".jsonl", ".ndjson", ".json"].includes(ext))
    throw new Error(`--file: ${file} must end in .csv, .jsonl, .ndjson or .json`);
  return ext;
}

/**
 * Streams the records of `file` to `visit` in file order, awaiting each returned promise (so a slow consumer slows
 * the reading, and memory stays flat); resolves with the columns (CSV header, or JSON keys in first-seen order).
 */
export async function scanRecords(
  file: string,
  visit: (record: RawRecord) => void | Promise<void>,
): Promise<{ columns: string[] }> {
  const ext = tableFormat(file);
  if (ext === ".json") {
    const table = parseJsonArray(readFileSync(file, "utf8"));
    for (const record of table.records) await visit(record);
    return { columns: table.columns };
  }
  const columns: string[] = [];
  if (ext === ".csv") {
    const parser = createReadStream(file).pipe(
      parseStream({ relax_column_count: true, skip_empty_lines: true, bom: true, info: true }),
    );
    try {
      for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
        if (columns.length === 0) columns.push(...record.map((h) => h.trim()));
        else await visit(csvRecord(columns, record, info.lines));
      }
    } catch (error) {
      throw new Error(`--file: not a readable CSV file: ${(error as Error).message}`, { cause: error });
    }
    return { columns };
  }
  const seen = new Set<string>();
  const batch: RawRecord[] = [];
  let line = 0;
  for await (const raw of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    addJsonLine(raw, ++line, columns, seen, batch);
    for (const record of batch.splice(0)) await visit(record);
  }
  return { columns };
}

/** Reads `.csv`, `.jsonl`/`.ndjson` or `.json` (an array of objects) by extension, whole. */
export function readTable(file: string): RawTable {
  const ext = tableFormat(file);
  const text = readFileSync(file, "utf8");
  if (ext === ".csv") return parseCsv(text);
  if (ext === ".json") return parseJsonArray(text);
  return parseJsonl(text);
}
