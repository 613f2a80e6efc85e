/**
 * Turns dataset rows into the matrix training needs, and records how: numeric, integer and boolean columns become
 * one feature each (missing → NaN, imputed later); string columns become one-hot categories (missing or unknown →
 * all zeros); date/time columns and high-cardinality strings (names, free text, ids) are left out with a note,
 * unless `features` names them. The label becomes class indices or values, with the task decided by `decideTask`.
 */
import type { RowDoc } from "./ingest.js";
import type { DatasetSchema, RowValues } from "./schema.js";
import type { Dataset } from "../ml/fit.js";
import type { Algorithm, Task } from "../ml/model.js";
import { decideTask, type TaskDecision } from "../ml/task.js";

/** How one input column feeds the model: a number, or one-hot categories. */
export type FeatureSpec = { name: string; kind: "number" } | { name: string; kind: "category"; categories: string[] };

/** Class names and the type the model returns them in (`int64` for integer labels, `string` otherwise). */
export interface ClassLabels {
  names: string[];
  type: "string" | "int64";
}

/** The training table and how it maps back to names. */
export interface Table {
  data: Dataset;
  /** The model's input columns, in input order. */
  features: FeatureSpec[];
  /** Column names of `data.x` (a category expands to `column=value`). */
  encodedNames: string[];
  classes?: ClassLabels;
  label: string;
  decision: TaskDecision;
  /** What was left out and why (shown in the training log, report and registry record). */
  notes: string[];
  rowKeys: string[];
  /** Each row's raw values (the inputs the served model takes). */
  values: RowValues[];
}

/** Options of {@link buildTable}. */
export interface TableOptions {
  label?: string;
  task?: Task;
  algorithm?: Algorithm;
  /** Use exactly these feature columns (overrides the automatic exclusions). */
  features?: string[];
  /** Leave these columns out. */
  exclude?: string[];
}

/** A string column with more distinct values than this (or mostly unique values) is treated as free text/ids. */
export const maxCategories = 100;

function highCardinality(distinct: number, present: number): boolean {
  return distinct > maxCategories || (distinct > 10 && distinct > present / 2);
}

/** Encodes raw rows with a feature plan: the same numbers the exported ONNX graph computes from its inputs. */
export function encodeRows(features: readonly FeatureSpec[], rows: readonly RowValues[]): number[][] {
  const index = features.map((f) => (f.kind === "category" ? new Map(f.categories.map((c, i) => [c, i])) : undefined));
  const width = features.reduce((n, f) => n + (f.kind === "category" ? f.categories.length : 1), 0);
  return rows.map((r) => {
    const out = new Array<number>(width).fill(0);
    let at = 0;
    features.forEach((f, j) => {
      const v = r[f.name];
      if (f.kind === "number") {
        out[at] = typeof v === "number" ? v : typeof v === "boolean" ? (v ? 1 : 0) : NaN;
        at += 1;
      } else {
        const k = v === null || v === undefined ? undefined : index[j]?.get(String(v));
        if (k !== undefined) out[at + k] = 1;
        at += f.categories.length;
      }
    });
    return out;
  });
}

/** Builds the table; the label is `label` or the schema's. */
export function buildTable(rows: readonly RowDoc[], schema: DatasetSchema, opts: TableOptions): Table {
  const label = opts.label ?? schema.label;
  if (!label) throw new Error("--label: the dataset has no label column recorded; pass --label <column>");
  const labelSpec = schema.columns.find((c) => c.name === label);
  const names = schema.columns.map((c) => c.name);
  if (!labelSpec) throw new Error(`--label: column "${label}" is not in the dataset (columns: ${names.join(", ")})`);
  for (const [flag, list] of [
    ["--features", opts.features],
    ["--exclude", opts.exclude],
  ] as const)
    for (const f of list ?? [])
      if (!names.includes(f) || f === label)
        throw new Error(`${flag}: "${f}" is not a feature column of the dataset (columns: ${names.join(", ")})`);
  const usable = rows.filter((r) => r.values[label] !== null && r.values[label] !== undefined);
  const labelValues = usable.map((r) => String(r.values[label]));
  const distinctLabels = [...new Set(labelValues)];
  const decision = decideTask(
    label,
    { type: labelSpec.type, distinct: distinctLabels.length, rows: usable.length },
    { ...(opts.task ? { task: opts.task } : {}), ...(opts.algorithm ? { algorithm: opts.algorithm } : {}) },
  );
  const notes: string[] = [];
  const features: FeatureSpec[] = [];
  for (const c of schema.columns) {
    if (c.name === label || c.name === schema.id) continue;
    const chosen = opts.features?.includes(c.name);
    if (opts.features && !chosen) continue;
    if (opts.exclude?.includes(c.name)) {
      notes.push(`"${c.name}" left out (--exclude)`);
      continue;
    }
    if (c.type === "datetime") {
      if (chosen) throw new Error(`--features: "${c.name}" is a date/time column; derive numeric features from it`);
      notes.push(`"${c.name}" left out: date/time text (derive numeric columns such as day of week to use it)`);
      continue;
    }
    if (c.type !== "string") {
      features.push({ name: c.name, kind: "number" });
      continue;
    }
    const present = usable.map((r) => r.values[c.name]).filter((v) => v !== null && v !== undefined);
    const categories = [...new Set(present.map(String))].sort();
    if (!chosen && highCardinality(categories.length, present.length)) {
      notes.push(
        `"${c.name}" left out: ${categories.length} distinct values in ${present.length} rows looks like free text or ids (name it in --features to one-hot it anyway)`,
      );
      continue;
    }
    if (categories.length === 0) {
      notes.push(`"${c.name}" left out: no values`);
      continue;
    }
    features.push({ name: c.name, kind: "category", categories });
  }
  if (features.length === 0) throw new Error(`dataset has no usable feature columns besides the label "${label}"`);
  const values = usable.map((r) => r.values);
  const x = encodeRows(features, values);
  const encodedNames = features.flatMap((f) =>
    f.kind === "number" ? [f.name] : f.categories.map((c) => `${f.name}=${c}`),
  );
  const base = { features, encodedNames, label, decision, notes, rowKeys: usable.map((r) => r.rowKey), values };
  if (decision.task === "classification") {
    const integer = labelSpec.type === "integer";
    const names = integer
      ? distinctLabels
          .map(Number)
          .sort((a, b) => a - b)
          .map(String)
      : distinctLabels.sort();
    if (names.length < 2)
      throw new Error(`label "${label}" has ${names.length} class(es); classification needs at least 2`);
    const index = new Map(names.map((l, i) => [l, i]));
    return {
      ...base,
      data: { x, y: labelValues.map((l) => index.get(l) ?? 0), task: "classification", classes: names.length },
      classes: { names, type: integer ? "int64" : "string" },
    };
  }
  return { ...base, data: { x, y: usable.map((r) => Number(r.values[label])), task: "regression", classes: 0 } };
}
