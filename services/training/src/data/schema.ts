/**
 * Dataset schemas: inferred from the file or given as `name:type,...`, and the row validation ingest applies
 * (types, missing values). A column is numeric when most of its non-missing values parse as finite numbers; the
 * values that do not are then rejected with a reason instead of turning the whole column into text.
 */
import type { RawRecord, RawValue } from "./records.js";

/** Column types. */
export type ColumnType = "number" | "string";
/** One column. */
export interface ColumnSpec {
  name: string;
  type: ColumnType;
}
/** A dataset's schema: columns plus which one is the label and which the id (both optional). */
export interface DatasetSchema {
  columns: ColumnSpec[];
  label?: string;
  id?: string;
}

/** A validated row: typed values (`null` = missing). */
export type RowValues = Record<string, number | string | null>;

function asNumber(v: RawValue): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v !== "string" || v.trim() === "") return undefined;
  const n = Number(v.trim());
  return Number.isFinite(n) ? n : undefined;
}

const missingTokens = new Set(["", "na", "nan", "null", "none", "?"]);
/** True for `null` and the usual missing-value tokens (empty, NA, NaN, null, None, ?). */
export function isMissing(v: RawValue | undefined): boolean {
  return v === null || v === undefined || (typeof v === "string" && missingTokens.has(v.trim().toLowerCase()));
}

/** Parses `--schema "a:number,b:string"`, naming the bad entry. */
export function parseSchemaSpec(spec: string): ColumnSpec[] {
  return spec.split(",").map((part) => {
    const [name, type] = part.split(":").map((s) => s.trim());
    if (!name || (type !== "number" && type !== "string"))
      throw new Error(`--schema: "${part}" must be <column>:number or <column>:string`);
    return { name, type };
  });
}

/** Infers column types from the records (label and id columns are kept as given by the data). */
export function inferSchema(
  columns: readonly string[],
  records: readonly RawRecord[],
  opts: { label?: string; id?: string },
): DatasetSchema {
  const specs = columns.map((name): ColumnSpec => {
    if (name === opts.id) return { name, type: "string" };
    let numeric = 0,
      total = 0;
    for (const r of records) {
      if (r.parseError) continue;
      const v = r.values[name];
      if (isMissing(v ?? null)) continue;
      total += 1;
      if (asNumber(v ?? null) !== undefined) numeric += 1;
    }
    return { name, type: total > 0 && numeric / total > 0.5 ? "number" : "string" };
  });
  return { columns: specs, ...(opts.label ? { label: opts.label } : {}), ...(opts.id ? { id: opts.id } : {}) };
}

/** Checks that label/id name existing columns; throws naming the flag. */
export function checkSchemaColumns(schema: DatasetSchema): void {
  const names = new Set(schema.columns.map((c) => c.name));
  if (schema.label && !names.has(schema.label))
    throw new Error(`--label: column "${schema.label}" is not in the file (columns: ${[...names].join(", ")})`);
  if (schema.id && !names.has(schema.id))
    throw new Error(`--id: column "${schema.id}" is not in the file (columns: ${[...names].join(", ")})`);
}

/** Validates one record: the typed row, or the reason it is rejected. */
export function validateRecord(record: RawRecord, schema: DatasetSchema): { row: RowValues } | { reason: string } {
  if (record.parseError) return { reason: record.parseError };
  const row: RowValues = {};
  for (const c of schema.columns) {
    const v = record.values[c.name];
    if (isMissing(v ?? null)) {
      if (c.name === schema.label) return { reason: `missing label "${c.name}"` };
      if (c.name === schema.id) return { reason: `missing id "${c.name}"` };
      row[c.name] = null;
      continue;
    }
    if (c.type === "number") {
      const n = asNumber(v ?? null);
      if (n === undefined) return { reason: `column "${c.name}": ${JSON.stringify(v)} is not a number` };
      row[c.name] = n;
    } else {
      row[c.name] = String(v);
    }
  }
  const extra = Object.keys(record.values).filter((k) => !schema.columns.some((c) => c.name === k));
  if (extra.length > 0) return { reason: `unknown column(s): ${extra.join(", ")}` };
  return { row };
}
