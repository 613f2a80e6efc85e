/**
 * Reads a CSV (header row) or JSONL file into raw records, one per data line, keeping the line number so every
 * rejection can name it. Lines that cannot be parsed become records with a `parseError`, never silently dropped.
 */
import { readFileSync } from "node:fs";
import { extname } from "node:path";
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
  const rows = parse(text, { relax_column_count: true, skip_empty_lines: true, bom: true, info: true }) as unknown as {
    record: string[];
    info: { lines: number };
  }[];
  const header = rows[0]?.record;
  if (!header) return { columns: [], records: [] };
  const columns = header.map((h) => h.trim());
  const records = rows.slice(1).map(({ record, info }): RawRecord => {
    const values: Record<string, RawValue> = {};
    columns.forEach((c, i) => (values[c] = record[i] === undefined || record[i] === "" ? null : (record[i] as string)));
    return record.length === columns.length
      ? { line: info.lines, values }
      : { line: info.lines, values, parseError: `expected ${columns.length} fields, got ${record.length}` };
  });
  return { columns, records };
}

/** Parses JSON Lines; each line must be a JSON object of scalars. */
export function parseJsonl(text: string): RawTable {
  const columns: string[] = [];
  const seen = new Set<string>();
  const records: RawRecord[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === "") return;
    const line = i + 1;
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch (error) {
      records.push({ line, values: {}, parseError: `invalid JSON: ${(error as Error).message}` });
      return;
    }
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
      values[k] =
        v === null || ["string", "number", "boolean"].includes(typeof v) ? (v as RawValue) : JSON.stringify(v);
    }
    records.push({ line, values });
  });
  return { columns, records };
}

/** Reads `.csv`, `.jsonl` or `.ndjson` by extension. */
export function readTable(file: string): RawTable {
  const ext = extname(file).toLowerCase();
  const text = readFileSync(file, "utf8");
  if (ext === ".csv") return parseCsv(text);
  if (ext === ".jsonl" || ext === ".ndjson") return parseJsonl(text);
  throw new Error(`--file: ${file} must end in .csv, .jsonl or .ndjson`);
}
