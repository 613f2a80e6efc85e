/**
 * The platform on public tables it has never seen (vega-datasets): string labels, categorical features, missing
 * values, date columns and free-text names. Each goes through ingest → dataset version → the training table, and
 * our cross-validated score must be within 0.03 of scikit-learn's on the same rows, measured in this run.
 */
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { openPlatformData } from "../../services/training/src/platform.js";
import { ingestWith } from "../../services/training/src/data/ingest.js";
import { readDatasetVersion, snapshotDataset } from "../../services/training/src/data/versions.js";
import { buildTable, type Table } from "../../services/training/src/data/table.js";
import { fitModel, predict } from "../../services/training/src/ml/fit.js";
import { classificationMetrics, regressionMetrics } from "../../services/training/src/ml/metrics.js";
import { kFolds } from "../../services/training/src/ml/split.js";
import type { Algorithm } from "../../services/training/src/ml/model.js";
import { useEmulators } from "../support/emulators";
import { sklearnCrossValScore, sklearnMissing } from "../support/sklearn";

/** A file of vega-datasets' `data/` folder (the package exports only its loader, so resolve from its entry). */
const vega = (file: string): string =>
  join(dirname(createRequire(__filename).resolve("vega-datasets")), "..", "data", file);
const folds = 5;

/** Our pipeline's k-fold score on the table (the same seeded folds for every algorithm). */
function crossValidate(table: Table, algorithm: Algorithm): number {
  const { data } = table;
  const all = data.y.map((_, i) => i);
  const classification = data.task === "classification";
  const scores = kFolds(all, data.y, folds, { stratify: classification, seed: 42 }).map((test) => {
    const held = new Set(test);
    const train = all.filter((i) => !held.has(i));
    const model = fitModel(algorithm, data, train, train, {}, 42);
    const out = predict(
      model,
      test.map((i) => data.x[i] ?? []),
    );
    const y = test.map((i) => data.y[i] ?? 0);
    return classification
      ? classificationMetrics(y, out.probabilities ?? [], data.classes).accuracy
      : regressionMetrics(y, out.values ?? []).r2;
  });
  return scores.reduce((a, b) => a + b, 0) / scores.length;
}

const cases = [
  {
    file: "penguins.json",
    label: "Species",
    algorithm: "logistic" as const,
    task: "classification",
    features: ["Island", "Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Body Mass (g)", "Sex"],
    notes: [] as string[],
  },
  {
    file: "cars.json",
    label: "Miles_per_Gallon",
    algorithm: "linear" as const,
    task: "regression",
    features: ["Cylinders", "Displacement", "Horsepower", "Weight_in_lbs", "Acceleration", "Origin"],
    notes: ['"Name" left out: ', '"Year" left out: date/time'],
  },
  {
    file: "seattle-weather.csv",
    label: "weather",
    algorithm: "logistic" as const,
    task: "classification",
    features: ["precipitation", "temp_max", "temp_min", "wind"],
    notes: ['"date" left out: date/time'],
  },
];

describe("public tables: ingest, the training table, and accuracy against scikit-learn", () => {
  const emu = useEmulators();
  const missing = sklearnMissing();

  it.each(cases)("$file → $label ($task)", async (c) => {
    const data = openPlatformData(emu.conn);
    let table: Table;
    try {
      const dataset = c.file.replace(/\W+/g, "-");
      const s = await ingestWith(data, {
        file: vega(c.file),
        dataset,
        label: c.label,
        rejectedPath: `${emu.dir}/${dataset}.rejected.jsonl`,
      });
      const source = vega(c.file).endsWith(".json")
        ? (JSON.parse(readFileSync(vega(c.file), "utf8")) as Record<string, unknown>[])
        : [];
      const unlabeled = source.filter((r) => r[c.label] === null || r[c.label] === undefined).length;
      expect(s.rejected).toBe(unlabeled); // only rows without a label are refused, each with its reason
      const version = await snapshotDataset(data, dataset, { actor: "test" });
      table = buildTable(await readDatasetVersion(data, version), version.schema, { algorithm: c.algorithm });
    } finally {
      data.close();
    }
    expect(table.data.task).toBe(c.task);
    expect(table.features.map((f) => f.name)).toEqual(c.features);
    for (const note of c.notes) expect(table.notes.some((n) => n.startsWith(note))).toBe(true);
    const ours = crossValidate(table, c.algorithm);
    if (missing) {
      console.warn(`skipped the scikit-learn comparison for ${c.file}: ${missing}`);
      return;
    }
    const reference = sklearnCrossValScore(emu.dir, {
      features: table.features,
      label: c.label,
      task: table.data.task,
      rows: table.values,
      folds,
    });
    console.info(`${c.file}: ours ${ours.toFixed(4)}, scikit-learn ${reference.toFixed(4)} (${folds}-fold CV)`);
    expect(Math.abs(ours - reference)).toBeLessThanOrEqual(0.03);
  });
});
