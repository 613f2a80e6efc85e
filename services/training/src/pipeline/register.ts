/**
 * `register`: brings a model trained elsewhere (scikit-learn, PyTorch, XGBoost… exported to ONNX) into the
 * registry as a candidate version. The file must be ONNX, have inputs and load in onnxruntime; its signature,
 * opset and sha256 are recorded. Given a dataset and label, it is evaluated on that dataset's held-out rows (the
 * test split `train` would use, same seed), and those rows are stored with it, so the promotion gate compares it
 * with production exactly as it compares trained versions.
 */
import { readFileSync } from "node:fs";
import { openRegistry, type ModelVersion, type PlatformConnection } from "@ai-platform/registry";
import { readDatasetVersion, snapshotDataset } from "../data/versions.js";
import { buildTable } from "../data/table.js";
import { classificationMetrics, regressionMetrics } from "../ml/metrics.js";
import { trainValidationTestSplit } from "../ml/split.js";
import { runOnnxRows } from "../onnx/feeds.js";
import { inspectOnnx } from "../onnx/inspect.js";
import { openPlatformData } from "../platform.js";
import { heldOutJsonl } from "./held-out.js";

/** Options of {@link registerModel}. */
export interface RegisterOptions {
  name: string;
  file: string;
  description?: string;
  /** Evaluate on this dataset's held-out rows (needs `label` unless the dataset recorded one). */
  dataset?: string;
  label?: string;
  actor: string;
}

/** What `register` recorded. */
export interface RegisterResult {
  version: ModelVersion;
  /** Held-out rows the metrics come from (0 without a dataset). */
  evaluatedRows: number;
}

const modelNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function classNamesFrom(metadata: Record<string, string>): string[] | undefined {
  try {
    const parsed = JSON.parse(metadata.classes ?? "null") as unknown;
    return Array.isArray(parsed) ? parsed.map(String) : undefined;
  } catch {
    return undefined;
  }
}

/** Registers `opts.file` as a new version of `opts.name`; opens and closes its own clients. */
export async function registerModel(conn: PlatformConnection, o: RegisterOptions): Promise<RegisterResult> {
  if (!modelNamePattern.test(o.name))
    throw new Error(`<name>: "${o.name}" must start with a letter or digit and use letters, digits, ".", "_" or "-"`);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(o.file);
  } catch (error) {
    throw new Error(`--file: cannot read ${o.file}: ${(error as Error).message}`, { cause: error });
  }
  const facts = await inspectOnnx(bytes, o.file);
  const outputNames = facts.signature.outputs.map((s) => s.name);
  let task: "classification" | "regression" = outputNames.some((n) => /label|probabilit/.test(n))
    ? "classification"
    : "regression";
  let labels = classNamesFrom(facts.metadata);
  let metrics: Record<string, number> = {};
  let lineage = { name: "", version: "", rowCount: 0, contentHash: "" };
  let heldOut: Uint8Array | undefined;
  let evaluatedRows = 0;
  if (o.label && !o.dataset) throw new Error("--label needs --dataset");
  if (o.dataset) {
    const data = openPlatformData(conn);
    try {
      const version = await snapshotDataset(data, o.dataset, {
        actor: o.actor,
        reuseUnchanged: true,
        changeFeedPosition: false,
      });
      const columns = new Set(version.schema.columns.map((c) => c.name));
      for (const input of facts.signature.inputs)
        if (!columns.has(input.name))
          throw new Error(
            `--dataset: the model's input "${input.name}" is not a column of ${o.dataset} (columns: ${[...columns].join(", ")}); inputs are fed by column name`,
          );
      const table = buildTable(await readDatasetVersion(data, version), version.schema, {
        ...(o.label ? { label: o.label } : {}),
        task,
      });
      task = table.data.task;
      labels = task === "classification" ? (labels ?? table.classes?.names) : undefined;
      const split = trainValidationTestSplit(table.data.y, { stratify: task === "classification", seed: 42 });
      const rows = split.test.map((i) => table.values[i] ?? {});
      const targets = split.test.map((i) => table.values[i]?.[table.label] ?? null);
      const out = await runOnnxRows(bytes, facts.signature.inputs, rows, { classNames: labels ?? [] });
      if (task === "classification") {
        const names = labels ?? [];
        const y = targets.map((t) => names.indexOf(String(t)));
        if (y.some((k) => k < 0))
          throw new Error(`--label: some held-out labels are not among the model's classes (${names.join(", ")})`);
        const probs = out.probabilities ?? (out.label ?? []).map((l) => names.map((n) => (n === l ? 1 : 0)));
        metrics = { ...classificationMetrics(y, probs, names.length) };
      } else {
        metrics = { ...regressionMetrics(targets.map(Number), out.prediction ?? []) };
      }
      heldOut = heldOutJsonl(rows.map((values, i) => ({ values, target: targets[i] as string | number })));
      lineage = {
        name: o.dataset,
        version: version.version,
        rowCount: version.rowCount,
        contentHash: version.contentHash,
      };
      evaluatedRows = rows.length;
    } finally {
      data.close();
    }
  }
  const { registry, artifacts, close } = await openRegistry(conn);
  try {
    const artifact = await artifacts.put(bytes, { contentType: "application/octet-stream", fileName: "model.onnx" });
    const evaluation = heldOut
      ? await artifacts.put(heldOut, { contentType: "application/x-ndjson", fileName: "heldout.jsonl" })
      : undefined;
    const version = await registry.register({
      name: o.name,
      createdBy: o.actor,
      artifact: {
        uri: artifact.uri,
        sha256: artifact.sha256,
        sizeBytes: artifact.sizeBytes,
        format: "onnx",
        opset: facts.opset,
        irVersion: facts.irVersion,
      },
      signature: facts.signature,
      task,
      ...(labels ? { labels } : {}),
      algorithm: "external",
      hyperparameters: {},
      metrics,
      dataset: lineage,
      baseline: { features: [] },
      ...(o.description ? { description: o.description } : {}),
      ...(facts.skippedOutputs.length
        ? { notes: [`outputs that are not tensors are not served: ${facts.skippedOutputs.join(", ")}`] }
        : {}),
      ...(evaluation
        ? { evaluation: { heldOutUri: evaluation.uri, heldOutSha256: evaluation.sha256, rows: evaluatedRows } }
        : {}),
    });
    return { version, evaluatedRows };
  } finally {
    close();
  }
}
