/**
 * What the console reads, through the same APIs the services use: the model registry (`@ai-platform/registry`)
 * and the dataset versions of the training service (`@ai-platform/training`). Nothing is cached or copied: every
 * page shows the platform's current state.
 */
import {
  containerIds,
  createCosmosClient,
  openRegistry,
  type ArtifactStore,
  type ModelRegistry,
  type ModelVersion,
  type PlatformConnection,
  type RegistryEvent,
  type TrafficSplit,
} from "@ai-platform/registry";
import { listDatasetVersionsOf, type DatasetVersion, type IngestRunRecord } from "@ai-platform/training";
import type { Container } from "@azure/cosmos";

/** A model with its versions (ascending) and aliases. */
export interface ModelDetail {
  name: string;
  versions: ModelVersion[];
  aliases: Record<string, number>;
}

/** A dataset's schema as ingested, with its versions (oldest first). */
export interface DatasetDetail {
  name: string;
  schema: { columns: { name: string; type: string }[]; label?: string; id?: string } | undefined;
  versions: DatasetVersion[];
  /** Ingest runs so far (each `ingest` of a file is one). */
  ingestRuns: number;
  /** Rows rejected by ingest runs, as recorded with each run (newest run first); empty when none were recorded. */
  rejections: IngestRunSummary[];
}

/** What an ingest run recorded about the rows it read, wrote and rejected (the first rejected rows with reasons). */
export type IngestRunSummary = Pick<IngestRunRecord, "run" | "at" | "rowsRead" | "written" | "rejected" | "sample">;

/** The console's read access to the platform; `close()` releases the clients. */
export class PlatformData {
  private constructor(
    readonly connection: PlatformConnection,
    readonly registry: ModelRegistry,
    readonly artifacts: ArtifactStore,
    private readonly datasetVersions: Container,
    private readonly closeAll: () => void,
  ) {}

  /** Opens the registry, artifact store and dataset-versions container for `connection`. */
  static async open(connection: PlatformConnection): Promise<PlatformData> {
    const { registry, artifacts, close } = await openRegistry(connection);
    const cosmos = createCosmosClient(connection);
    const versions = cosmos.database(connection.cosmos.database).container(containerIds.datasetVersions);
    return new PlatformData(connection, registry, artifacts, versions, () => {
      close();
      cosmos.dispose();
    });
  }

  /** Every model with its versions and aliases, by name. */
  async models(): Promise<ModelDetail[]> {
    const names = await this.registry.listModels();
    return Promise.all(names.map(async (name) => (await this.model(name)) as ModelDetail));
  }

  /** One model; undefined when it has no versions. */
  async model(name: string): Promise<ModelDetail | undefined> {
    const [versions, { aliases }] = await Promise.all([
      this.registry.listVersions(name),
      this.registry.getAliases(name),
    ]);
    return versions.length === 0 ? undefined : { name, versions, aliases };
  }

  /** Every model's aliases and traffic split (canary weight, shadow), by name: what the serving view needs. */
  async routing(): Promise<{ name: string; aliases: Record<string, number>; traffic: TrafficSplit }[]> {
    const names = await this.registry.listModels();
    return Promise.all(
      names.map(async (name) => {
        const [{ aliases }, traffic] = await Promise.all([
          this.registry.getAliases(name),
          this.registry.getTraffic(name),
        ]);
        return { name, aliases, traffic };
      }),
    );
  }

  /** The audit trail of one model, or of all, newest first. */
  async audit(name?: string): Promise<RegistryEvent[]> {
    const names = name === undefined ? await this.registry.listModels() : [name];
    const all = (await Promise.all(names.map((n) => this.registry.history(n)))).flat();
    return all.sort((a, b) => b.at.localeCompare(a.at));
  }

  /** A version's training report (HTML), verified against its recorded sha256; undefined when none was stored. */
  async report(version: ModelVersion): Promise<string | undefined> {
    if (!version.report) return undefined;
    return new TextDecoder().decode(await this.artifacts.get(version.report.uri, version.report.sha256));
  }

  /** Names of every ingested dataset. */
  async datasetNames(): Promise<string[]> {
    const { resources } = await this.datasetVersions.items
      .query<{ dataset: string }>("SELECT c.dataset FROM c WHERE c.type = 'schema'")
      .fetchAll();
    return [...new Set(resources.map((r) => r.dataset))].sort();
  }

  /** One dataset: schema, versions, ingest runs and recorded rejections; undefined when never ingested. */
  async dataset(name: string): Promise<DatasetDetail | undefined> {
    const { resources } = await this.datasetVersions.items
      .query<{ id: string; type: string; schema?: DatasetDetail["schema"]; last?: number } & Partial<IngestRunSummary>>(
        {
          query: "SELECT * FROM c WHERE c.dataset = @d AND c.type != 'version'",
          parameters: [{ name: "@d", value: name }],
        },
        { partitionKey: name },
      )
      .fetchAll();
    const schemaDoc = resources.find((r) => r.type === "schema");
    if (!schemaDoc) return undefined;
    const rejections = resources
      .filter((r) => r.type === "ingest-run")
      .map((r) => ({
        run: r.run ?? 0,
        at: r.at ?? "",
        rowsRead: r.rowsRead ?? 0,
        written: r.written ?? 0,
        rejected: r.rejected ?? 0,
        sample: r.sample ?? [],
      }))
      .sort((a, b) => b.run - a.run);
    return {
      name,
      schema: schemaDoc.schema,
      versions: await listDatasetVersionsOf(this.connection, name),
      ingestRuns: resources.find((r) => r.type === "ingest-runs")?.last ?? 0,
      rejections,
    };
  }

  close(): void {
    this.closeAll();
  }
}
