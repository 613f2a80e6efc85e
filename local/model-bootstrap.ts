/**
 * The model the local platform serves: the demo dataset's model at `production`. The first start ingests the
 * bundled dataset, trains, registers and promotes it; later starts find it in the registry and train nothing.
 */
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import type * as TrainingModule from "@ai-platform/training";
import {
  containerIds,
  createCosmosClient,
  openRegistry,
  type ModelVersion,
  type PlatformConnection,
} from "@ai-platform/registry";
import { LocalPlatformError } from "./errors";
import type { Progress } from "./progress";
import type { SampleRow } from "./example-request";

/** The production model and a real row of its data (for the example request). */
export interface ProductionModel {
  name: string;
  version: ModelVersion;
  /** Whether this start trained it (false: it was already in the registry). */
  trained: boolean;
  sampleRow: SampleRow;
}

/** The dataset a first start trains on: the training service's `demoDataset` unless a test or user gives one. */
export interface BootstrapDataset {
  /** Dataset and model name. */
  name: string;
  /** CSV or JSONL file. */
  file: string;
  label: string;
  id?: string;
  /** Default: the training service's default for the task. */
  algorithm?: TrainingApi["algorithms"][number];
}

/** Options of {@link ensureProductionModel}. */
export interface BootstrapOptions {
  progress: Progress;
  /** Scratch directory (the ingest's rejection report goes here, not next to the dataset). */
  workDir: string;
  /** Default: `demoDataset` of `@ai-platform/training` (Iris, bundled). */
  dataset?: BootstrapDataset;
}

const actor = "npm-start";

type TrainingApi = typeof TrainingModule;

/**
 * The first stored row of `dataset`, as the model's input row: values by input name for a model that takes one
 * input per column, or the baseline's features in order for a model that takes one `[N, d]` matrix.
 */
async function sampleRow(conn: PlatformConnection, version: ModelVersion): Promise<SampleRow> {
  const perColumn = version.signature.inputs.every((i) => i.shape.length === 1);
  const features = perColumn
    ? version.signature.inputs.map((i) => i.name)
    : (version.baseline?.features ?? []).map((f) => f.name);
  if (features.length === 0)
    throw new Error(`model ${version.name} v${version.version}: its record lists no input features`);
  const cosmos = createCosmosClient(conn);
  try {
    const { resources } = await cosmos
      .database(conn.cosmos.database)
      .container(containerIds.datasets)
      .items.query<{ values: Record<string, number | string | null> }>(
        {
          query: "SELECT TOP 1 c['values'] FROM c WHERE c.dataset = @d",
          parameters: [{ name: "@d", value: version.dataset.name }],
        },
        { partitionKey: version.dataset.name },
      )
      .fetchAll();
    const values = resources[0]?.values;
    if (!values) throw new Error(`dataset ${version.dataset.name} has no rows to build the example request from`);
    if (perColumn)
      return Object.fromEntries(
        version.signature.inputs.map((i) => [i.name, values[i.name] ?? (i.datatype === "BYTES" ? "" : Number.NaN)]),
      );
    return features.map((f) => values[f] ?? Number.NaN);
  } finally {
    cosmos.dispose();
  }
}

/** Finds the demo model's production version, or creates it (ingest → train → register → promote). */
export async function ensureProductionModel(
  conn: PlatformConnection,
  opts: BootstrapOptions,
): Promise<ProductionModel> {
  const training = await import("@ai-platform/training");
  const dataset = opts.dataset ?? training.demoDataset;
  const reg = await openRegistry(conn);
  let existing: ModelVersion | undefined;
  try {
    existing = await opts.progress.step(
      `Look up ${dataset.name}@production in the registry`,
      () => reg.registry.resolve(dataset.name, "production"),
      (v) => (v ? `v${v.version}, no training needed` : "none yet"),
    );
  } finally {
    reg.close();
  }
  if (existing)
    return { name: dataset.name, version: existing, trained: false, sampleRow: await sampleRow(conn, existing) };

  if (!existsSync(dataset.file)) {
    const shown = relative(process.cwd(), dataset.file) || dataset.file;
    throw new LocalPlatformError(
      `the dataset to train the first model on is missing: ${shown}`,
      `restore it (git checkout -- ${shown}), or reinstall with npm ci`,
    );
  }
  await opts.progress.step(
    `Ingest dataset ${dataset.name}`,
    () =>
      training.ingestFile(conn, {
        file: dataset.file,
        dataset: dataset.name,
        label: dataset.label,
        ...(dataset.id ? { id: dataset.id } : {}),
        rejectedPath: join(opts.workDir, `${dataset.name}.rejected.jsonl`),
      }),
    (s) => `${s.written} rows${s.rejected > 0 ? `, ${s.rejected} rejected` : ""}`,
  );
  const trained = await opts.progress.step(
    `Train model ${dataset.name}`,
    () =>
      training.trainModel(conn, {
        dataset: dataset.name,
        model: dataset.name,
        label: dataset.label,
        ...(dataset.algorithm ? { algorithm: dataset.algorithm } : {}),
        actor,
      }),
    (r) => `v${r.version.version}, ${r.version.algorithm}, accuracy ${r.version.metrics.accuracy?.toFixed(3) ?? "n/a"}`,
  );
  const promoted = await opts.progress.step(`Promote ${dataset.name} v${trained.version.version} to production`, () =>
    training.promoteModel(conn, {
      name: dataset.name,
      version: trained.version.version,
      actor,
      reason: "first npm start",
    }),
  );
  if (!promoted.promoted)
    throw new Error(`promoting ${dataset.name} v${trained.version.version} failed: ${promoted.message}`);
  const reread = await openRegistry(conn);
  try {
    const version = (await reread.registry.getVersion(dataset.name, trained.version.version)) ?? trained.version;
    return { name: dataset.name, version, trained: true, sampleRow: await sampleRow(conn, version) };
  } finally {
    reread.close();
  }
}
