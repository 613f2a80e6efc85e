/**
 * Side-by-side evaluation of registered versions of one model on the same held-out rows (those recorded with the
 * `base` version), run through onnxruntime as the promotion gate runs them: metrics and, for classifiers, the
 * confusion matrix of each version.
 */
import { RegistryNotFoundError, openRegistry, type PlatformConnection } from "@ai-platform/registry";
import { argmax, classificationMetrics, confusionMatrix, regressionMetrics } from "../ml/metrics.js";
import { readHeldOut, runVersion } from "./held-out.js";

/** One version's result on the shared rows. */
export interface VersionEvaluation {
  version: number;
  metrics: Record<string, number>;
  /** `matrix[true][predicted]` over `labels` (classification only). */
  confusion?: number[][];
}

/** What {@link compareVersions} returns. */
export interface VersionComparison {
  name: string;
  /** The version whose held-out rows were used. */
  base: number;
  rows: number;
  task: "classification" | "regression";
  /** Class order of every confusion matrix (classification only). */
  labels?: string[];
  evaluations: VersionEvaluation[];
}

/** Evaluates `versions` of `name` on the held-out rows of `base` (default: the first of `versions`). */
export async function compareVersions(
  conn: PlatformConnection,
  o: { name: string; versions: number[]; base?: number },
): Promise<VersionComparison> {
  const { registry, artifacts, close } = await openRegistry(conn);
  try {
    const records = await Promise.all(o.versions.map((v) => registry.getVersion(o.name, v)));
    const missing = o.versions.filter((_, i) => records[i] === undefined);
    if (missing.length > 0) throw new RegistryNotFoundError(`${o.name}@${missing.join(", @")} not registered`);
    const baseVersion = o.base ?? o.versions[0];
    const base = records.find((r) => r?.version === baseVersion);
    if (!base?.evaluation) throw new Error(`${o.name}@${baseVersion} has no held-out rows recorded to compare on`);
    const { rows, y } = await readHeldOut(artifacts, base);
    const labels = base.labels ?? [];
    const evaluations: VersionEvaluation[] = [];
    for (const v of records) {
      if (!v) continue;
      if (v.task !== base.task || JSON.stringify(v.signature.inputs) !== JSON.stringify(base.signature.inputs))
        throw new Error(
          `${o.name}@${v.version} and @${base.version} differ in task or inputs; they cannot be compared`,
        );
      const out = await runVersion(artifacts, v, rows, labels);
      if (v.task === "classification") {
        const probs = out.probabilities ?? [];
        evaluations.push({
          version: v.version,
          metrics: { ...classificationMetrics(y, probs, labels.length) },
          confusion: confusionMatrix(y, probs.map(argmax), labels.length),
        });
      } else {
        evaluations.push({ version: v.version, metrics: { ...regressionMetrics(y, out.prediction ?? []) } });
      }
    }
    return {
      name: o.name,
      base: base.version,
      rows: y.length,
      task: base.task,
      ...(base.task === "classification" ? { labels } : {}),
      evaluations,
    };
  } finally {
    close();
  }
}
