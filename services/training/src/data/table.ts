/** Turns dataset rows into the numeric matrix training needs: numeric feature columns, label → class index or value. */
import type { RowDoc } from "./ingest.js";
import type { DatasetSchema } from "./schema.js";
import type { Dataset } from "../ml/fit.js";
import type { Task } from "../ml/model.js";

/** The training table and how it maps back to names. */
export interface Table {
  data: Dataset;
  featureNames: string[];
  labels?: string[];
  rowKeys: string[];
}

/** Builds the table; the label is `label` or the schema's; the task is inferred from the label's type unless given. */
export function buildTable(
  rows: readonly RowDoc[],
  schema: DatasetSchema,
  opts: { label?: string; task?: Task },
): Table {
  const label = opts.label ?? schema.label;
  if (!label) throw new Error("--label: the dataset has no label column recorded; pass --label <column>");
  const labelSpec = schema.columns.find((c) => c.name === label);
  if (!labelSpec)
    throw new Error(
      `--label: column "${label}" is not in the dataset (columns: ${schema.columns.map((c) => c.name).join(", ")})`,
    );
  const task: Task = opts.task ?? (labelSpec.type === "string" ? "classification" : "regression");
  if (task === "regression" && labelSpec.type !== "number")
    throw new Error(`--task: regression needs a numeric label, "${label}" is text`);
  const featureNames = schema.columns
    .filter((c) => c.type === "number" && c.name !== label && c.name !== schema.id)
    .map((c) => c.name);
  if (featureNames.length === 0) throw new Error(`dataset has no numeric feature columns besides the label "${label}"`);
  const usable = rows.filter((r) => r.values[label] !== null && r.values[label] !== undefined);
  const x = usable.map((r) =>
    featureNames.map((f) => (typeof r.values[f] === "number" ? (r.values[f] as number) : NaN)),
  );
  if (task === "classification") {
    const labels = [...new Set(usable.map((r) => String(r.values[label])))].sort();
    if (labels.length < 2)
      throw new Error(`label "${label}" has ${labels.length} class(es); classification needs at least 2`);
    const index = new Map(labels.map((l, i) => [l, i]));
    return {
      data: { x, y: usable.map((r) => index.get(String(r.values[label])) ?? 0), task, classes: labels.length },
      featureNames,
      labels,
      rowKeys: usable.map((r) => r.rowKey),
    };
  }
  return {
    data: { x, y: usable.map((r) => Number(r.values[label])), task, classes: 0 },
    featureNames,
    rowKeys: usable.map((r) => r.rowKey),
  };
}
