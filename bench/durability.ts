/**
 * `npm run bench -- durability`: what the journal costs and what it buys. Ingests the same CSV (`ingest`, bulk)
 * into emulators in a child process in three modes (in memory, journal without fsync, journal with fsync before
 * each answer), then kills the process with SIGKILL right after the ingest returned and counts the rows a restart
 * finds. Writes `durability.md` and `durability.json`.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { CosmosClient } from "@azure/cosmos";
import { demoDataset, ingestFile } from "@ai-platform/training";
import { platformDatabaseId } from "../components/data-layout";
import { cosmosEmulatorAgent, createPlatformData } from "../local/emulators";
import { startEmulatorProcess } from "../local/emulator-process";

const modes = ["memory", "no-fsync", "fsync"] as const;

/** Options of {@link runDurabilityBench}. */
export interface DurabilityBenchOptions {
  outDir: string;
  /** Rows ingested per mode (default 20,000). */
  rows?: number;
  /** Rounds per mode, alternating modes (default 3); the table shows the median. */
  rounds?: number;
}

interface Round {
  mode: (typeof modes)[number];
  rowsPerSecond: number;
  /** Rows the ingest reported written (acknowledged). */
  written: number;
  rowsAfterKill: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function round(mode: Round["mode"], file: string): Promise<Round> {
  const dir = mkdtempSync(join(tmpdir(), "ai-platform-durability-"));
  let host = await startEmulatorProcess(dir, { durability: mode });
  try {
    let conn = { cosmos: { ...host.cosmos, database: platformDatabaseId }, storage: host.storage };
    await createPlatformData(conn);
    const summary = await ingestFile(conn, { file, dataset: "rows", label: "species", id: "id" });
    await host.kill("SIGKILL");
    host = await startEmulatorProcess(dir, { durability: mode });
    conn = { cosmos: { ...host.cosmos, database: platformDatabaseId }, storage: host.storage };
    const client = new CosmosClient({ ...conn.cosmos, agent: cosmosEmulatorAgent() });
    let rowsAfterKill = 0;
    try {
      const container = client.database(platformDatabaseId).container("datasets");
      const { resources } = await container.items
        .query<number>("SELECT VALUE COUNT(1) FROM c WHERE c.dataset = 'rows'")
        .fetchAll()
        .catch(() => ({ resources: [0] }));
      rowsAfterKill = resources[0] ?? 0;
    } finally {
      client.dispose();
    }
    return { mode, rowsPerSecond: summary.rowsPerSecond, written: summary.written, rowsAfterKill };
  } finally {
    await host.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the durability benchmark and writes its table. */
export async function runDurabilityBench(opts: DurabilityBenchOptions): Promise<void> {
  const rows = opts.rows ?? 20_000;
  const dir = mkdtempSync(join(tmpdir(), "ai-platform-durability-csv-"));
  const iris = readFileSync(demoDataset.file, "utf8").trim().split("\n");
  const lines = [iris[0]!];
  for (let i = 0; i < rows; i++) lines.push(iris[1 + (i % (iris.length - 1))]!.replace(/^[^,]*/, `row-${i}`));
  const file = join(dir, "rows.csv");
  writeFileSync(file, `${lines.join("\n")}\n`);
  const results: Round[] = [];
  try {
    for (let r = 0; r < (opts.rounds ?? 3); r++) {
      for (const mode of modes) {
        const result = await round(mode, file);
        console.log(
          `durability ${mode}: ${result.rowsPerSecond.toFixed(0)} rows/s, ${result.rowsAfterKill} rows after kill -9`,
        );
        results.push(result);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const table = modes.map((mode) => {
    const of = results.filter((r) => r.mode === mode);
    const speed = median(of.map((r) => r.rowsPerSecond));
    const kept = of.map((r) => `${r.rowsAfterKill} of ${r.written}`).join(", ");
    return `| ${mode} | ${speed.toFixed(0)} | ${kept} |`;
  });
  const markdown = [
    `### Durability, ${new Date().toISOString().slice(0, 10)} (${cpus().length} vCPUs, load average ${loadavg()[0]!.toFixed(1)})`,
    "",
    `Ingest of ${rows} rows (bulk) into the emulators in a child process, median of ${opts.rounds ?? 3} alternating rounds; then kill -9 right after the ingest returned, and a restart.`,
    "",
    "| Cosmos emulator mode | ingest rows/s | rows found after kill -9, of those acknowledged (each round) |",
    "|---|---:|---|",
    ...table,
    "",
  ].join("\n");
  mkdirSync(opts.outDir, { recursive: true });
  writeFileSync(join(opts.outDir, "durability.md"), markdown);
  writeFileSync(join(opts.outDir, "durability.json"), `${JSON.stringify(results, null, 2)}\n`);
  console.log(markdown);
}
