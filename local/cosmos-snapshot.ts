/**
 * A faithful, point-in-time copy of the local Cosmos DB emulator's state, and its restore.
 *
 * The emulator (@vercel/cosmosdb-server) keeps everything in memory. Going through its HTTP API would lose what
 * clients rely on: a re-created document gets a new `_etag`, `_rid` and `_ts`, so an ETag a client read before a
 * restart (the registry's conditional alias and counter updates) would no longer match and change-feed positions
 * (`_ts`) would move. So this module copies the emulator's own records, system properties included, and puts them
 * back exactly, with the resource-id counters that keep new `_rid`s unique.
 *
 * Note: it reads the internals of `@vercel/cosmosdb-server` 1.0.1 (pinned). {@link assertEmulatorAccount} checks
 * their shape at runtime and fails with a precise message if an upgrade changed them; `test/local` covers it.
 */
import { z } from "zod";

/** One record as the emulator stores it: the user's properties plus `_rid`, `_etag`, `_ts`, `_self`. */
export type CosmosRecord = Record<string, unknown> & { id: string; _rid: string; _etag: string; _ts: number };

/** One container (collection) with its documents and user-defined functions, in the emulator's own order. */
export interface ContainerSnapshot {
  /** The container resource: id, partitionKey, indexingPolicy, system properties. */
  resource: CosmosRecord;
  /** The counter the emulator derives new document `_rid`s from. */
  documentRidCount: number;
  documents: CosmosRecord[];
  udfRidCount: number;
  udfs: CosmosRecord[];
}

/** One database and its containers: the content of one `.platform/cosmos/<database>.json`. */
export interface DatabaseSnapshot {
  /** Identifies the file type, so a stray JSON file is reported rather than half-read. */
  format: typeof snapshotFormat;
  /** Format version; bumped on any incompatible change. */
  version: 1;
  savedAt: string;
  /** The account's database `_rid` counter when this was saved; restore takes the largest over all files. */
  accountRidCount: number;
  resource: CosmosRecord;
  containerRidCount: number;
  containers: ContainerSnapshot[];
}

/** The `format` marker of snapshot files. */
export const snapshotFormat = "ai-platform.cosmos-snapshot";

const record = z
  .object({ id: z.string().min(1), _rid: z.string().min(1), _etag: z.string().min(1), _ts: z.number() })
  .catchall(z.unknown());
const counter = z.number().int().nonnegative();
const schema = z.object({
  format: z.literal(snapshotFormat),
  version: z.literal(1),
  savedAt: z.string(),
  accountRidCount: counter,
  resource: record,
  containerRidCount: counter,
  containers: z.array(
    z.object({
      resource: record,
      documentRidCount: counter,
      documents: z.array(record),
      udfRidCount: counter,
      udfs: z.array(record.extend({ body: z.string() })),
    }),
  ),
});

/**
 * Validates a parsed snapshot file. Throws an `Error` whose message names the first bad field path
 * (e.g. `containers.0.documents.3._etag: expected string`).
 */
export function parseDatabaseSnapshot(value: unknown): DatabaseSnapshot {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue && issue.path.length > 0 ? issue.path.join(".") : "(root)";
    throw new Error(`${path}: ${issue?.message ?? "invalid"}`);
  }
  return result.data as DatabaseSnapshot;
}

interface EmulatorItem {
  read(): Record<string, unknown> | undefined;
}
interface EmulatorItems<T extends EmulatorItem> {
  _data: Map<string, T>;
  _ridCount: number;
  _set(data: Record<string, unknown>): unknown;
}
interface EmulatorCollection extends EmulatorItem {
  documents: EmulatorItems<EmulatorItem>;
  userDefinedFunctions: EmulatorItems<EmulatorItem> & { functions: Record<string, unknown> };
}
interface EmulatorDatabase extends EmulatorItem {
  collections: EmulatorItems<EmulatorCollection>;
}
/** The parts of the emulator's in-memory `Account` that snapshot and restore use. */
export interface EmulatorAccount {
  databases: EmulatorItems<EmulatorDatabase>;
}

function isItems(value: unknown): boolean {
  const v = value as Partial<EmulatorItems<EmulatorItem>> | undefined;
  return !!v && v._data instanceof Map && typeof v._ridCount === "number" && typeof v._set === "function";
}

/** Checks that `value` has the internal shape this module reads; throws naming the missing part. */
export function assertEmulatorAccount(value: unknown): asserts value is EmulatorAccount {
  const databases = (value as { databases?: unknown } | undefined)?.databases;
  if (!isItems(databases)) {
    throw new Error("unsupported @vercel/cosmosdb-server: its Account has no `databases` item store");
  }
}

function copy<T>(value: T): T {
  return structuredClone(value);
}

function records(items: EmulatorItems<EmulatorItem>): CosmosRecord[] {
  return [...items._data.values()].map((item) => copy(item.read() as CosmosRecord));
}

/**
 * Copies every database, container, document and user-defined function out of the running emulator, in its own
 * order (queries without ORDER BY return that order). Synchronous, so the copy is one consistent point in time.
 */
export function exportAccount(account: EmulatorAccount, savedAt = new Date()): DatabaseSnapshot[] {
  return [...account.databases._data.values()].map((database) => ({
    format: snapshotFormat,
    version: 1,
    savedAt: savedAt.toISOString(),
    accountRidCount: account.databases._ridCount,
    resource: copy(database.read() as CosmosRecord),
    containerRidCount: database.collections._ridCount,
    containers: [...database.collections._data.values()].map((collection) => ({
      resource: copy(collection.read() as CosmosRecord),
      documentRidCount: collection.documents._ridCount,
      documents: records(collection.documents),
      udfRidCount: collection.userDefinedFunctions._ridCount,
      udfs: records(collection.userDefinedFunctions),
    })),
  }));
}

/** Compiles a UDF body the way the emulator does when one is created (the body is the user's own code). */
function compileUdf(body: string): unknown {
  return new Function(`"use strict";return (${body})`)();
}

/**
 * Puts snapshots back into an empty emulator account, keeping every `_rid`, `_etag`, `_ts` and `_self`, and the
 * `_rid` counters, so reads return exactly what was saved and new resources never reuse an id.
 * Throws if the account already holds databases (restore never merges).
 */
export function importAccount(account: EmulatorAccount, snapshots: readonly DatabaseSnapshot[]): void {
  if (account.databases._data.size > 0) {
    throw new Error("cannot restore a Cosmos snapshot into an emulator that already holds databases");
  }
  for (const snapshot of snapshots) {
    const data = copy(snapshot.resource);
    account.databases._set(data);
    account.databases._ridCount = Math.max(account.databases._ridCount, snapshot.accountRidCount);
    const database = account.databases._data.get(data._rid);
    if (!database) throw new Error(`restoring database ${data.id}: the emulator did not keep it`);
    for (const container of snapshot.containers) {
      const resource = copy(container.resource);
      database.collections._set(resource);
      const collection = database.collections._data.get(resource._rid);
      if (!collection) throw new Error(`restoring container ${data.id}/${resource.id}: the emulator did not keep it`);
      for (const document of container.documents) collection.documents._set(copy(document));
      collection.documents._ridCount = container.documentRidCount;
      for (const udf of container.udfs) {
        collection.userDefinedFunctions._set(copy(udf));
        collection.userDefinedFunctions.functions[udf.id] = compileUdf(String(udf.body));
      }
      collection.userDefinedFunctions._ridCount = container.udfRidCount;
    }
    database.collections._ridCount = snapshot.containerRidCount;
  }
}
