/**
 * A version's held-out rows (the test split it was evaluated on, stored as a content-addressed JSONL artifact) and
 * how any version runs on them: what the promotion gate and side-by-side comparisons share. A line is
 * `{"values": {column: raw value}, "target": class name or number}`; lines of older versions,
 * `{"features": number[], "target": class index or number}`, are read too.
 */
import type { ArtifactStore, ModelVersion } from "@ai-platform/registry";
import type { RowValues } from "../data/schema.js";
import { runOnnxRows } from "../onnx/feeds.js";

/** Held-out rows and their targets: class indices into the version's `labels`, or values. */
export interface HeldOut {
  rows: RowValues[];
  y: number[];
}

/** Serialises held-out rows for {@link readHeldOut}. */
export function heldOutJsonl(rows: readonly { values: RowValues; target: string | number }[]): Uint8Array {
  return new TextEncoder().encode(rows.map((r) => JSON.stringify(r)).join("\n"));
}

/** Reads `v`'s held-out rows; throws when none were recorded. */
export async function readHeldOut(artifacts: ArtifactStore, v: ModelVersion): Promise<HeldOut> {
  if (!v.evaluation) throw new Error(`${v.name}@${v.version} has no held-out data recorded; promote with --force`);
  const text = new TextDecoder().decode(await artifacts.get(v.evaluation.heldOutUri, v.evaluation.heldOutSha256));
  const labels = v.labels ?? [];
  const names = v.baseline.features.map((f) => f.name);
  const rows: RowValues[] = [];
  const y: number[] = [];
  for (const line of text.split("\n")) {
    if (!line) continue;
    const r = JSON.parse(line) as { values?: RowValues; features?: (number | null)[]; target: string | number };
    rows.push(r.values ?? Object.fromEntries(names.map((n, j) => [n, r.features?.[j] ?? null])));
    if (v.task === "regression" || r.values === undefined) y.push(Number(r.target));
    else y.push(labels.indexOf(String(r.target)));
  }
  return { rows, y };
}

/**
 * Runs version `v` on raw rows. Classification probabilities come back in `labelOrder` (another version's class
 * order, so two versions compare on the same columns); regression gives values.
 */
export async function runVersion(
  artifacts: ArtifactStore,
  v: ModelVersion,
  rows: readonly RowValues[],
  labelOrder: readonly string[] = v.labels ?? [],
): Promise<{ probabilities?: number[][]; prediction?: number[] }> {
  const bytes = await artifacts.get(v.artifact.uri, v.artifact.sha256);
  const own = v.labels ?? [];
  const out = await runOnnxRows(bytes, v.signature.inputs, rows, {
    classNames: own,
    matrixColumns: v.baseline.features.map((f) => f.name),
  });
  if (v.task === "regression") return { prediction: out.prediction ?? [] };
  return { probabilities: (out.probabilities ?? []).map((p) => labelOrder.map((l) => p[own.indexOf(l)] ?? 0)) };
}
