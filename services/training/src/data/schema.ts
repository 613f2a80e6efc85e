/**
 * Dataset schemas: inferred from the file or given as `name:type,...`, and the row validation ingest applies.
 * Types: `number`, `integer`, `boolean`, `string` (categorical or text) and `datetime` (ISO-8601 text). A column is
 * numeric when most of its non-missing values parse as finite numbers; the values that do not are then rejected with
 * a reason instead of turning the whole column into text. Missing values stay missing (`null`).
 */
import type { RawRecord, RawValue } from "./records.js";

/** The column types a schema can give. */
export const columnTypes = ["number", "integer", "boolean", "string", "datetime"] as const;
/** One of {@link columnTypes}. */
export type ColumnType = (typeof columnTypes)[number];
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
export type RowValues = Record<string, number | string | boolean | null>;

/** A finite number from a JSON number or numeric text, else undefined. */
export function asNumber(v: RawValue): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v !== "string" || v.trim() === "") return undefined;
  const n = Number(v.trim());
  return Number.isFinite(n) ? n : undefined;
}

const booleans = new Map([
  ["true", true],
  ["false", false],
]);
function asBoolean(v: RawValue): boolean | undefined {
  if (typeof v === "boolean") return v;
  return typeof v === "string" ? booleans.get(v.trim().toLowerCase()) : undefined;
}

const datetimePattern = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
function isDatetime(v: RawValue): boolean {
  return typeof v === "string" && datetimePattern.test(v.trim()) && !Number.isNaN(Date.parse(v.trim()));
}

const missingTokens = new Set(["", "na", "n/a", "nan", "null", "none", "?"]);
/** True for `null` and the usual missing-value tokens (empty, NA, N/A, NaN, null, None, ?). */
export function isMissing(v: RawValue | undefined): boolean {
  return (
    v === null ||
    v === undefined ||
    (typeof v === "number" && Number.isNaN(v)) ||
    (typeof v === "string" && missingTokens.has(v.trim().toLowerCase()))
  );
}

/** Parses `--schema "a:number,b:string"`, naming the bad entry. */
export function parseSchemaSpec(spec: string): ColumnSpec[] {
  return spec.split(",").map((part) => {
    const [name, type] = part.split(":").map((s) => s.trim());
    if (!name || !columnTypes.includes(type as ColumnType))
      throw new Error(`--schema: "${part}" must be <column>:<type> with a type of ${columnTypes.join(", ")}`);
    return { name, type: type as ColumnType };
  });
}

/** Counts of what a column's non-missing values parse as; the type is the one most of them have. */
class TypeCounts {
  total = 0;
  numeric = 0;
  integral = 0;
  bools = 0;
  dates = 0;

  add(v: RawValue): void {
    if (isMissing(v)) return;
    this.total += 1;
    const n = asNumber(v);
    if (n !== undefined) {
      this.numeric += 1;
      if (Number.isInteger(n)) this.integral += 1;
    } else if (asBoolean(v) !== undefined) this.bools += 1;
    else if (isDatetime(v)) this.dates += 1;
  }

  type(): ColumnType {
    if (this.total === 0) return "string";
    if (this.bools === this.total) return "boolean";
    if (this.dates === this.total) return "datetime";
    if (this.numeric / this.total > 0.5) return this.integral === this.numeric ? "integer" : "number";
    return "string";
  }
}

/**
 * Infers column types from records fed one at a time (a streamed file needs no second copy of its rows). Records
 * with a parse error do not count.
 */
export class SchemaInference {
  private readonly counts = new Map<string, TypeCounts>();

  /** Counts one record's values. */
  add(record: RawRecord): void {
    if (record.parseError) return;
    for (const name in record.values) {
      let c = this.counts.get(name);
      if (!c) this.counts.set(name, (c = new TypeCounts()));
      c.add(record.values[name] ?? null);
    }
  }

  /** The schema of `columns` (the id column is always text). */
  schema(columns: readonly string[], opts: { label?: string; id?: string }): DatasetSchema {
    const specs = columns.map((name): ColumnSpec => ({
      name,
      type: name === opts.id ? "string" : (this.counts.get(name)?.type() ?? "string"),
    }));
    return { columns: specs, ...(opts.label ? { label: opts.label } : {}), ...(opts.id ? { id: opts.id } : {}) };
  }
}

/** Infers column types from the records (the id column is always text). */
export function inferSchema(
  columns: readonly string[],
  records: readonly RawRecord[],
  opts: { label?: string; id?: string },
): DatasetSchema {
  const inference = new SchemaInference();
  for (const r of records) inference.add(r);
  return inference.schema(columns, opts);
}

/** Checks that label/id name existing columns; throws naming the flag. */
export function checkSchemaColumns(schema: DatasetSchema): void {
  const names = new Set(schema.columns.map((c) => c.name));
  if (schema.label && !names.has(schema.label))
    throw new Error(`--label: column "${schema.label}" is not in the file (columns: ${[...names].join(", ")})`);
  if (schema.id && !names.has(schema.id))
    throw new Error(`--id: column "${schema.id}" is not in the file (columns: ${[...names].join(", ")})`);
}

/** Why `v` does not fit column `c`. */
function notA(c: ColumnSpec, v: RawValue, what: string): { reason: string } {
  return { reason: `column "${c.name}": ${JSON.stringify(v)} is not ${what}` };
}

/** The column names of a schema, as a set (validation runs per row; the schema object is reused). */
const columnNames = new WeakMap<DatasetSchema, Set<string>>();
function namesOf(schema: DatasetSchema): Set<string> {
  let names = columnNames.get(schema);
  if (!names) columnNames.set(schema, (names = new Set(schema.columns.map((c) => c.name))));
  return names;
}

/** One typed value, or why it does not fit the column's type. */
function typed(c: ColumnSpec, v: RawValue): { value: number | string | boolean } | { reason: string } {
  switch (c.type) {
    case "number":
    case "integer": {
      const n = asNumber(v);
      if (n === undefined) return notA(c, v, "a number");
      if (c.type === "integer" && !Number.isInteger(n)) return notA(c, v, "an integer");
      return { value: n };
    }
    case "boolean": {
      const b = asBoolean(v);
      return b === undefined ? notA(c, v, "true or false") : { value: b };
    }
    case "datetime":
      return isDatetime(v) ? { value: String(v).trim() } : notA(c, v, "an ISO-8601 date/time");
    case "string":
      return { value: String(v) };
  }
}

/** Validates one record: the typed row, or the reason it is rejected (a bad label names itself as the label). */
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
    const t = typed(c, v ?? null);
    if ("reason" in t) return c.name === schema.label ? { reason: `invalid label: ${t.reason}` } : t;
    row[c.name] = t.value;
  }
  const names = namesOf(schema);
  for (const k in record.values)
    if (!names.has(k)) {
      const extra = Object.keys(record.values).filter((key) => !names.has(key));
      return { reason: `unknown column(s): ${extra.join(", ")}` };
    }
  return { row };
}
