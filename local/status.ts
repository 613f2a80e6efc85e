/**
 * `npx ai-platform status [--json]`: what the local platform runs, where, and which models it serves.
 */
import { openRegistry, type LocalPlatformState } from "@ai-platform/registry";
import { dataDirLayout, readPlatformJson } from "./data-dir";

/** One model in the registry: its versions and where its aliases point. */
export interface ModelStatus {
  name: string;
  aliases: Record<string, number>;
  versions: {
    version: number;
    status: string;
    createdAt: string;
    algorithm: string;
    metrics: Record<string, number>;
  }[];
}

/** The status document; `npx ai-platform status --json` prints exactly this. */
export interface LocalStatus {
  /** Whether a live process owns the data directory and is ready. */
  running: boolean;
  dataDir: string;
  pid?: number;
  startedAt?: string;
  /** The inference service's base URL (`/v2/...` lives under it). */
  inferenceUrl?: string;
  /** The console's operator sign-in link (`<console>/sign-in?token=…`; the bare origin is read-only). */
  consoleUrl?: string;
  cosmos?: { endpoint: string; database: string };
  blob?: { endpoint: string };
  models: ModelStatus[];
  /** Set when `platform.json` belongs to a process that no longer runs (a crash). */
  stalePid?: number;
}

/** Reads the registry's models, versions and aliases through a running platform's connection. */
export async function listModels(state: LocalPlatformState): Promise<ModelStatus[]> {
  const { registry, close } = await openRegistry(state.connection);
  try {
    const names = (await registry.listModels()).sort();
    return await Promise.all(
      names.map(async (name) => {
        const [versions, { aliases }] = await Promise.all([registry.listVersions(name), registry.getAliases(name)]);
        return {
          name,
          aliases,
          versions: versions.map((v) => ({
            version: v.version,
            status: v.status,
            createdAt: v.createdAt,
            algorithm: v.algorithm,
            metrics: v.metrics,
          })),
        };
      }),
    );
  } finally {
    close();
  }
}

/** The status of the local platform on `dataDir` (default `.platform`). */
export async function localStatus(dataDir?: string): Promise<LocalStatus> {
  const layout = dataDirLayout(dataDir);
  const found = readPlatformJson(layout);
  if (found.kind === "absent") return { running: false, dataDir: layout.root, models: [] };
  if (found.kind === "stale") return { running: false, dataDir: layout.root, models: [], stalePid: found.pid };
  const state = found.state as unknown as LocalPlatformState;
  return {
    running: true,
    dataDir: layout.root,
    pid: state.pid,
    startedAt: state.startedAt,
    inferenceUrl: state.inferenceUrl,
    ...(typeof found.state.consoleUrl === "string" ? { consoleUrl: found.state.consoleUrl } : {}),
    cosmos: { endpoint: state.connection.cosmos.endpoint, database: state.connection.cosmos.database },
    blob: { endpoint: state.connection.storage.blobEndpoint },
    models: await listModels(state),
  };
}

/** The human-readable form of a status. */
export function formatStatus(status: LocalStatus): string {
  if (!status.running) {
    const stale =
      status.stalePid === undefined ? "" : ` (platform.json is left from pid ${status.stalePid}, which crashed)`;
    return `The local platform is not running on ${status.dataDir}${stale}.\nStart it with: npm start`;
  }
  const lines = [
    `Local platform (pid ${status.pid}, since ${status.startedAt}), data in ${status.dataDir}`,
    `  Inference   ${status.inferenceUrl ?? "(not serving)"}`,
    `  Console     ${status.consoleUrl ?? "(not running)"}`,
    `  Cosmos DB   ${status.cosmos?.endpoint} (database ${status.cosmos?.database})`,
    `  Blob        ${status.blob?.endpoint}`,
  ];
  if (status.models.length === 0) lines.push("  Models      (none registered)");
  for (const model of status.models) {
    const aliases =
      Object.entries(model.aliases)
        .map(([alias, v]) => `${alias}→v${v}`)
        .join(", ") || "no aliases";
    lines.push(`  Model       ${model.name}: ${model.versions.length} version(s); ${aliases}`);
    for (const v of model.versions) {
      const metrics = Object.entries(v.metrics)
        .slice(0, 3)
        .map(([k, n]) => `${k}=${Number(n.toFixed(4))}`)
        .join(" ");
      lines.push(`    v${v.version}  ${v.status.padEnd(10)} ${v.algorithm} ${metrics}`);
    }
  }
  return lines.join("\n");
}
