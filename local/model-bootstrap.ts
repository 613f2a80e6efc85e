/**
 * The model the local platform serves: the demo dataset's model at `production`. The first start ingests the
 * bundled dataset, trains, registers and promotes it; later starts find it in the registry and train nothing.
 */
import type { ModelVersion, PlatformConnection } from "@ai-platform/registry";
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

/** Finds the demo model's production version, or creates it (ingest → train → register → promote). */
export async function ensureProductionModel(
  _connection: PlatformConnection,
  _opts: { progress: Progress; workDir: string },
): Promise<ProductionModel> {
  throw new Error("training is not available yet");
}
