/**
 * The durable Cosmos emulator's files under `.platform/cosmos/`: `state.json`, the last compaction (every database,
 * with the journal generation it was taken at), and `journal.log` (see `cosmos-journal.ts`), the changes since.
 *
 * `state.json` is JSON Lines (format version 2): a header line with the generation, then per database one line with
 * its resources and containers (documents left out), followed by its documents, up to 1,000 per line. It is written
 * and read a line at a time, so its size is not bounded by the longest string V8 allows (about 512 MB, reached near a
 * million dataset rows). Version 1 (one JSON document) and the older per-database `<database>.json` files are still
 * read, and replaced at the first compaction.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { CorruptDataError } from "./errors";
import { fileLines, writeFileAtomic } from "./files";
import { parseDatabaseSnapshot, type DatabaseSnapshot } from "./cosmos-snapshot";

/** The snapshot file (compacted state) in the Cosmos directory. */
export const stateFileName = "state.json";
/** The journal file in the Cosmos directory. */
export const journalFileName = "journal.log";

/** The `format` marker of `state.json`. */
export const stateFormat = "ai-platform.cosmos-state";

/** Version 1 of `state.json`: one JSON document (still read). */
const stateV1Schema = z.object({
  format: z.literal(stateFormat),
  version: z.literal(1),
  generation: z.number().int().nonnegative(),
  databases: z.array(z.unknown()),
});

/** The header line of version 2. */
const stateHeaderSchema = z.object({
  format: z.literal(stateFormat),
  version: z.literal(2),
  generation: z.number().int().nonnegative(),
});

/** A line after the header: a database (containers without documents), or documents of its container `container`. */
const stateLineSchema = z.union([
  z.object({ database: z.record(z.string(), z.unknown()) }),
  z.object({ container: z.number().int().nonnegative(), documents: z.array(z.unknown()) }),
]);

/** Documents per line of `state.json`. */
const documentsPerLine = 1000;

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

/** Validates one database snapshot, naming its position in a failure. */
function checkedDatabase(value: unknown, index: number): DatabaseSnapshot {
  try {
    return parseDatabaseSnapshot(value);
  } catch (error) {
    throw new Error(`databases.${index}.${(error as Error).message}`, { cause: error });
  }
}

/** Reads `state.json` (version 2 line by line; version 1 whole). */
function readStateFile(file: string): { generation: number; databases: DatabaseSnapshot[] } {
  let generation = 0;
  const raw: { database: Record<string, unknown> & { containers?: { documents: unknown[] }[] } }[] = [];
  let lineNumber = 0;
  for (const { text: line } of fileLines(file)) {
    lineNumber += 1;
    try {
      const value: unknown = JSON.parse(line);
      if (lineNumber === 1) {
        const v1 = stateV1Schema.safeParse(value);
        if (v1.success) return { generation: v1.data.generation, databases: v1.data.databases.map(checkedDatabase) };
        const header = stateHeaderSchema.safeParse(value);
        if (!header.success) throw new Error(describeIssue(header.error));
        generation = header.data.generation;
        continue;
      }
      const entry = stateLineSchema.safeParse(value);
      if (!entry.success) throw new Error(describeIssue(entry.error));
      if ("database" in entry.data) raw.push({ database: entry.data.database });
      else {
        const container = raw.at(-1)?.database.containers?.[entry.data.container];
        if (!container) throw new Error(`documents of container ${entry.data.container} before its database`);
        for (const document of entry.data.documents) container.documents.push(document);
      }
    } catch (error) {
      throw new Error(`line ${lineNumber}: ${(error as Error).message}`, { cause: error });
    }
  }
  return { generation, databases: raw.map((r, i) => checkedDatabase(r.database, i)) };
}

/** The lines of `state.json` version 2 for `databases`. */
function* stateLines(generation: number, databases: readonly DatabaseSnapshot[]): Generator<string> {
  yield `${JSON.stringify({ format: stateFormat, version: 2, generation })}\n`;
  for (const database of databases) {
    const containers = database.containers.map((c) => ({ ...c, documents: [] }));
    yield `${JSON.stringify({ database: { ...database, containers } })}\n`;
    for (let container = 0; container < database.containers.length; container++) {
      const documents = database.containers[container]?.documents ?? [];
      for (let at = 0; at < documents.length; at += documentsPerLine)
        yield `${JSON.stringify({ container, documents: documents.slice(at, at + documentsPerLine) })}\n`;
    }
  }
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
    try {
      return readStateFile(stateFile);
    } catch (error) {
      throw new CorruptDataError(stateFile, (error as Error).message, dataDir);
    }
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

/**
 * Replaces `state.json` atomically (flushed to disk) with `databases`, a line at a time, then removes the older
 * per-database files; returns its size in bytes.
 */
export function saveState(dir: string, generation: number, databases: readonly DatabaseSnapshot[]): number {
  const bytes = writeFileAtomic(join(dir, stateFileName), stateLines(generation, databases));
  for (const name of legacyFiles(dir)) rmSync(join(dir, name));
  return bytes;
}
