/**
 * One crash-consistency iteration: the durable emulators run in a child process on a fresh data directory; a
 * platform command (ingest, train, register, promote or score) runs against them next to a probe writer that keeps
 * a ledger of every acknowledged Cosmos and blob write; at a seeded moment the emulators get SIGKILL. After a restart
 * on the same directory: every acknowledged write must be there, the registry must be consistent, and re-running the
 * interrupted command must succeed without duplicates.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openRegistry, type PlatformConnection } from "@ai-platform/registry";
import { CosmosClient } from "@azure/cosmos";
import { BlobServiceClient } from "@azure/storage-blob";
import { demoDataset, ingestFile, promoteModel, registerModel, scoreDataset, trainModel } from "@ai-platform/training";
import { platformDatabaseId } from "../components/data-layout";
import { cosmosEmulatorAgent, createPlatformData } from "../local/emulators";
import { startEmulatorProcess, type EmulatorProcess } from "../local/emulator-process";
import { createRng } from "../services/training/src/ml/random.js";

/** The commands a crash interrupts. */
export const crashOperations = ["ingest", "train", "register", "promote", "score"] as const;
export type CrashOperation = (typeof crashOperations)[number];

/** What one iteration found. */
export interface CrashIterationResult {
  seed: number;
  operation: CrashOperation;
  killAfterMs: number;
  /** Whether the command had finished (acknowledged) before the kill. */
  completedBeforeKill: boolean;
  /** Probe writes (Cosmos documents + blobs) acknowledged before the kill. */
  acknowledged: number;
  /** Probe keys whose last acknowledged value was checked after the restart. */
  keysChecked: number;
  /** Acknowledged writes missing or different after the restart: must be empty. */
  lost: string[];
  /** Registry inconsistencies after the restart: must be empty. */
  registryProblems: string[];
  /** Problems re-running the interrupted command: must be empty. */
  rerunProblems: string[];
}

/** A platform connection to the emulator host, with its key and connection string known to be there. */
type HostConnection = PlatformConnection & {
  cosmos: { key: string };
  storage: { connectionString: string };
};

function connectionOf(host: EmulatorProcess): HostConnection {
  return { cosmos: { ...host.cosmos, database: platformDatabaseId }, storage: host.storage };
}

/** Writes probe documents and blobs until stopped, recording what each key may hold after a crash. */
function startProbe(conn: HostConnection): {
  stop(): Promise<void>;
  acked: Map<string, Set<string>>;
  writes(): number;
} {
  // Aborted at the kill: an in-flight write must neither retry into the restarted emulators nor count as acknowledged.
  const abort = new AbortController();
  const abortSignal = abort.signal;
  const client = new CosmosClient({ ...conn.cosmos, agent: cosmosEmulatorAgent() });
  const rows = client.database(conn.cosmos.database).container("datasets");
  const blobs = BlobServiceClient.fromConnectionString(conn.storage.connectionString).getContainerClient("models");
  // key -> values it may hold: the last acknowledged one, plus any in flight when the crash came.
  const acked = new Map<string, Set<string>>();
  let running = true;
  let writes = 0;
  const loop = async (k: number): Promise<void> => {
    for (let n = 1; running; n++) {
      const key = `probe-${k}-${n % 5}`;
      const value = `${n}`;
      const allowed = acked.get(key) ?? new Set<string>(["absent"]);
      allowed.add(value);
      acked.set(key, allowed);
      try {
        if (k === 0) await blobs.getBlockBlobClient(`probe/${key}`).upload(value, value.length, { abortSignal });
        else await rows.items.upsert({ id: key, dataset: "crash-probe", value }, { abortSignal });
        if (abortSignal.aborted) return;
        acked.set(key, new Set([value]));
        writes++;
      } catch {
        return; // the crash: this write stays "either"
      }
    }
  };
  const loops = Promise.all([0, 1, 2, 3].map((k) => loop(k)));
  return {
    acked,
    writes: () => writes,
    async stop() {
      running = false;
      abort.abort();
      await loops;
      client.dispose();
    },
  };
}

async function probeLosses(conn: HostConnection, acked: Map<string, Set<string>>): Promise<string[]> {
  const client = new CosmosClient({ ...conn.cosmos, agent: cosmosEmulatorAgent() });
  const rows = client.database(conn.cosmos.database).container("datasets");
  const blobs = BlobServiceClient.fromConnectionString(conn.storage.connectionString).getContainerClient("models");
  const lost: string[] = [];
  try {
    for (const [key, allowed] of acked) {
      let found = "absent";
      if (key.startsWith("probe-0-")) {
        const blob = blobs.getBlockBlobClient(`probe/${key}`);
        if (await blob.exists()) found = (await blob.downloadToBuffer()).toString();
      } else {
        const { resource } = await rows.item(key, "crash-probe").read<{ value: string }>();
        if (resource) found = resource.value;
      }
      if (!allowed.has(found)) lost.push(`${key}: found ${found}, acknowledged ${[...allowed].join(" or ")}`);
    }
  } finally {
    client.dispose();
  }
  return lost;
}

/** Registry invariants: every version's artifact exists and matches; aliases name existing versions. */
export async function registryProblems(conn: PlatformConnection): Promise<string[]> {
  const { registry, artifacts, close } = await openRegistry(conn);
  const problems: string[] = [];
  try {
    for (const name of await registry.listModels()) {
      const versions = await registry.listVersions(name);
      for (const v of versions) {
        await artifacts.get(v.artifact.uri, v.artifact.sha256).catch((e: Error) => {
          problems.push(`${name}@${v.version}: artifact ${v.artifact.uri} unreadable (${e.message})`);
        });
      }
      const { aliases } = await registry.getAliases(name);
      for (const [alias, version] of Object.entries(aliases)) {
        const target = versions.find((v) => v.version === version);
        if (!target) problems.push(`${name}: alias ${alias} -> v${version}, which is not registered`);
        else if (alias === "production" && target.status !== "production") {
          problems.push(`${name}: production -> v${version}, whose status is ${target.status}`);
        }
      }
    }
  } finally {
    close();
  }
  return problems;
}

interface Fixture {
  dir: string;
  csv: string;
  onnx: string;
}

async function prepare(conn: HostConnection, dir: string): Promise<Fixture> {
  await createPlatformData(conn);
  const csv = join(dir, "rows.csv");
  const iris = readFileSync(demoDataset.file, "utf8").trim().split("\n");
  const lines = [iris[0]!];
  for (let i = 0; i < 600; i++) lines.push(iris[1 + (i % (iris.length - 1))]!.replace(/^[^,]*/, `row-${i}`));
  writeFileSync(csv, `${lines.join("\n")}\n`);
  await ingestFile(conn, {
    file: demoDataset.file,
    dataset: "iris",
    label: "species",
    id: "id",
    rejectedPath: join(dir, "iris.rejected.jsonl"),
  });
  const first = await trainModel(conn, { dataset: "iris", model: "crash", actor: "crash" });
  const { artifacts, close } = await openRegistry(conn);
  const onnx = join(dir, "model.onnx");
  try {
    writeFileSync(onnx, await artifacts.get(first.version.artifact.uri, first.version.artifact.sha256));
  } finally {
    close();
  }
  await promoteModel(conn, { name: "crash", version: first.version.version, force: true, actor: "crash" });
  await trainModel(conn, { dataset: "iris", model: "crash", actor: "crash", algorithm: "forest" });
  return { dir, csv, onnx };
}

function runOperation(op: CrashOperation, conn: PlatformConnection, f: Fixture): Promise<unknown> {
  switch (op) {
    case "ingest":
      return ingestFile(conn, { file: f.csv, dataset: "crash-rows", label: "species", id: "id" });
    case "train":
      return trainModel(conn, { dataset: "iris", model: "crash", actor: "crash" });
    case "register":
      return registerModel(conn, { name: "crash", file: f.onnx, actor: "crash" });
    case "promote":
      return promoteModel(conn, { name: "crash", version: 2, force: true, actor: "crash" });
    case "score":
      return scoreDataset(conn, { model: "crash@production", dataset: "iris", out: "crash-scores", batchSize: 25 });
  }
}

async function rerunProblems(op: CrashOperation, conn: HostConnection, f: Fixture): Promise<string[]> {
  try {
    await runOperation(op, conn, f);
    await runOperation(op, conn, f);
  } catch (error) {
    return [`re-running ${op}: ${(error as Error).message}`];
  }
  const client = new CosmosClient({ ...conn.cosmos, agent: cosmosEmulatorAgent() });
  try {
    const count = async (dataset: string): Promise<number> =>
      (
        await client
          .database(conn.cosmos.database)
          .container("datasets")
          .items.query<number>({
            query: "SELECT VALUE COUNT(1) FROM c WHERE c.dataset = @d",
            parameters: [{ name: "@d", value: dataset }],
          })
          .fetchAll()
      ).resources[0] ?? 0;
    if (op === "ingest" && (await count("crash-rows")) !== 600)
      return [`crash-rows has ${await count("crash-rows")} rows, not 600`];
    if (op === "score" && (await count("crash-scores")) !== (await count("iris"))) {
      return [`crash-scores has ${await count("crash-scores")} rows, iris ${await count("iris")}`];
    }
  } finally {
    client.dispose();
  }
  return [];
}

/**
 * How long after its start each command is killed at the latest: about its duration on a loaded 2-core machine, so
 * most kills land inside it (ingest, train and score take seconds; register and promote a few hundred ms).
 */
const killWindowMs: Record<CrashOperation, number> = {
  ingest: 1500,
  train: 1500,
  register: 400,
  promote: 250,
  score: 1500,
};

/** Runs one iteration; see the module comment. The kill time is seeded within the command's window. */
export async function runCrashIteration(seed: number): Promise<CrashIterationResult> {
  const random = createRng(seed); // deterministic, so a failing seed can be replayed
  const operation = crashOperations[seed % crashOperations.length]!;
  const killAfterMs = Math.floor(random() * killWindowMs[operation]);
  const dir = mkdtempSync(join(tmpdir(), "ai-platform-crash-"));
  let host = await startEmulatorProcess(dir);
  try {
    const conn = connectionOf(host);
    const fixture = await prepare(conn, dir);
    const probe = startProbe(conn);
    let completed = false;
    const running = runOperation(operation, conn, fixture).then(
      () => (completed = true),
      () => undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, killAfterMs));
    await host.kill("SIGKILL");
    const completedBeforeKill = completed;
    await probe.stop();
    host = await startEmulatorProcess(dir, {
      cosmosPort: Number(new URL(host.cosmos.endpoint).port),
      blobPort: Number(new URL(host.storage.blobEndpoint).port),
    });
    // The interrupted command may retry into the restarted emulators; let it settle before checking.
    await Promise.race([running, new Promise((resolve) => setTimeout(resolve, 60_000).unref())]);
    const after = connectionOf(host);
    const lost = await probeLosses(after, probe.acked);
    const reg = await registryProblems(after);
    const rerun = await rerunProblems(operation, after, fixture);
    return {
      seed,
      operation,
      killAfterMs,
      completedBeforeKill,
      acknowledged: probe.writes(),
      keysChecked: probe.acked.size,
      lost,
      registryProblems: reg,
      rerunProblems: rerun,
    };
  } finally {
    await host.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
}
