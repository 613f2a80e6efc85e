/**
 * The durable Cosmos emulator's files under `.platform/cosmos/`: `state.json`, the last compaction (every database,
 * with the journal generation it was taken at), and `journal.log` (see `cosmos-journal.ts`), the changes since.
 * Databases saved by older versions as one `<database>.json` each are still read, and replaced by `state.json` at
 * the first compaction.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { CorruptDataError } from "./errors";
import { writeFileAtomic } from "./files";
import { parseDatabaseSnapshot, type DatabaseSnapshot } from "./cosmos-snapshot";

/** The snapshot file (compacted state) in the Cosmos directory. */
export const stateFileName = "state.json";
/** The journal file in the Cosmos directory. */
export const journalFileName = "journal.log";

/** The `format` marker of `state.json`. */
export const stateFormat = "ai-platform.cosmos-state";

/** The content of `state.json`. */
export interface CosmosState {
  format: typeof stateFormat;
  version: 1;
  /** The journal generation that continues this state. */
  generation: number;
  databases: DatabaseSnapshot[];
}

const stateSchema = z.object({
  format: z.literal(stateFormat),
  version: z.literal(1),
  generation: z.number().int().nonnegative(),
  databases: z.array(z.unknown()),
});

/** The file a database's snapshot lived in before `state.json`; the id is URI-encoded. */
export function snapshotFileName(databaseId: string): string {
  return `${encodeURIComponent(databaseId)}.json`;
}

function legacyFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".json") && !name.startsWith(".") && name !== stateFileName)
    .sort();
}

function parseFile<T>(file: string, dataDir: string, parse: (value: unknown) => T): T {
  try {
    return parse(JSON.parse(readFileSync(file, "utf8")));
  } catch (error) {
    throw new CorruptDataError(file, (error as Error).message, dataDir);
  }
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue && issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue?.message ?? "invalid"}`;
}

/**
 * Reads the compacted state under `dir`: `state.json`, else the older per-database files (generation 0), else
 * nothing. A file that does not parse throws `CorruptDataError` naming it (and `dataDir` in the reset hint); nothing
 * is deleted.
 */
export function loadState(dir: string, dataDir: string): { generation: number; databases: DatabaseSnapshot[] } {
  if (!existsSync(dir)) return { generation: 0, databases: [] };
  const stateFile = join(dir, stateFileName);
  if (existsSync(stateFile)) {
    return parseFile(stateFile, dataDir, (value) => {
      const result = stateSchema.safeParse(value);
      if (!result.success) throw new Error(describeIssue(result.error));
      const databases = result.data.databases.map((db, i) => {
        try {
          return parseDatabaseSnapshot(db);
        } catch (error) {
          throw new Error(`databases.${i}.${(error as Error).message}`, { cause: error });
        }
      });
      return { generation: result.data.generation, databases };
    });
  }
  const databases = legacyFiles(dir).map((name) => {
    const file = join(dir, name);
    const snapshot = parseFile(file, dataDir, parseDatabaseSnapshot);
    if (name !== snapshotFileName(snapshot.resource.id)) {
      throw new CorruptDataError(file, `holds database "${snapshot.resource.id}", not the one its name says`, dataDir);
    }
    return snapshot;
  });
  return { generation: 0, databases };
}

/** Replaces `state.json` atomically (flushed to disk), then removes the older per-database files; returns its length. */
export function saveState(dir: string, generation: number, databases: readonly DatabaseSnapshot[]): number {
  const state: CosmosState = { format: stateFormat, version: 1, generation, databases: [...databases] };
  const text = JSON.stringify(state);
  writeFileAtomic(join(dir, stateFileName), text);
  for (const name of legacyFiles(dir)) rmSync(join(dir, name));
  return text.length;
}
