/**
 * Cosmos snapshots on disk: one `<database>.json` per database under `.platform/cosmos/`, each replaced atomically.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { CorruptDataError } from "./errors";
import { writeFileAtomic } from "./files";
import { parseDatabaseSnapshot, type DatabaseSnapshot } from "./cosmos-snapshot";

/** The file a database's snapshot lives in; the id is URI-encoded so any Cosmos id is a safe file name. */
export function snapshotFileName(databaseId: string): string {
  return `${encodeURIComponent(databaseId)}.json`;
}

/**
 * Reads every snapshot under `dir` (none if it does not exist). A file that is not valid JSON or not a snapshot
 * throws `CorruptDataError` naming it; nothing is deleted. `dataDir` is named in the hint to reset.
 */
export function loadSnapshots(dir: string, dataDir: string): DatabaseSnapshot[] {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir)
    .filter((name) => name.endsWith(".json") && !name.startsWith("."))
    .sort();
  return files.map((name) => {
    const file = join(dir, name);
    let snapshot: DatabaseSnapshot;
    try {
      snapshot = parseDatabaseSnapshot(JSON.parse(readFileSync(file, "utf8")));
    } catch (error) {
      throw new CorruptDataError(file, (error as Error).message, dataDir);
    }
    if (name !== snapshotFileName(snapshot.resource.id)) {
      throw new CorruptDataError(file, `holds database "${snapshot.resource.id}", not the one its name says`, dataDir);
    }
    return snapshot;
  });
}

/**
 * Writes one file per database atomically, then removes files of databases that no longer exist.
 * Note: each file is atomic on its own; the platform keeps all its containers in one database, so one file.
 */
export function saveSnapshots(dir: string, snapshots: readonly DatabaseSnapshot[]): void {
  mkdirSync(dir, { recursive: true });
  const keep = new Set<string>();
  for (const snapshot of snapshots) {
    const name = snapshotFileName(snapshot.resource.id);
    keep.add(name);
    writeFileAtomic(join(dir, name), JSON.stringify(snapshot));
  }
  for (const name of readdirSync(dir)) {
    if (name.endsWith(".json") && !name.startsWith(".") && !keep.has(name)) rmSync(join(dir, name));
  }
}
