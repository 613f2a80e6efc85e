/**
 * Every change the Cosmos DB emulator makes to its state, as physical after-images for the journal, and their
 * replay.
 *
 * The emulator (@vercel/cosmosdb-server) keeps each item store (databases, a database's containers, a container's
 * documents and user-defined functions) in a `Map` from `_rid` to record. {@link recordChanges} hooks `set` and
 * `delete` of those maps, so each change is captured exactly as stored (`_etag`, `_rid`, `_ts` included) in the
 * order it happened; {@link applyChanges} puts them back through the same item stores. Replaying a journal onto the
 * snapshot it continues therefore rebuilds the state byte for byte, insertion order included.
 *
 * Note: like `cosmos-snapshot.ts`, it relies on the internals of `@vercel/cosmosdb-server` 1.0.1 (pinned);
 * `test/local` covers every kind of change.
 */
import type { CosmosRecord, EmulatorAccount } from "./cosmos-snapshot";

/** Where an item store sits: `[]` databases, `[db]` containers, `[db, coll, "docs" | "udfs"]`. All are `_rid`s. */
export type StorePath = [] | [string] | [string, string, "docs" | "udfs"];

/** One change: the record now stored under `rid` (absent: deleted), and the store's `_rid` counter after it. */
export interface Change {
  s: StorePath;
  r: string;
  v?: CosmosRecord;
  n: number;
}

interface Store {
  _data: Map<string, { read(): unknown }>;
  _ridCount: number;
  _set(data: Record<string, unknown>): unknown;
  delete(idOrRid: string, partition?: unknown): unknown;
  functions?: Record<string, unknown>;
}
interface Database {
  collections: Store;
}
interface Collection {
  documents: Store;
  userDefinedFunctions: Store;
}

const hooked = new WeakSet<Map<unknown, unknown>>();

function hook(store: Store, path: StorePath, record: (change: string) => void): void {
  const map = store._data;
  if (hooked.has(map)) return;
  hooked.add(map);
  const set = map.set.bind(map);
  const remove = map.delete.bind(map);
  map.set = (rid, item) => {
    const change: Change = { s: path, r: rid, v: item.read() as CosmosRecord, n: store._ridCount };
    record(JSON.stringify(change));
    set(rid, item);
    hookChildren(item, path, rid, record);
    return map;
  };
  map.delete = (rid) => {
    const change: Change = { s: path, r: rid, n: store._ridCount };
    record(JSON.stringify(change));
    return remove(rid);
  };
  for (const [rid, item] of map) hookChildren(item, path, rid, record);
}

function hookChildren(item: unknown, path: StorePath, rid: string, record: (change: string) => void): void {
  if (path.length === 0) hook((item as Database).collections, [rid], record);
  else if (path.length === 1) {
    const collection = item as Collection;
    hook(collection.documents, [path[0], rid, "docs"], record);
    hook(collection.userDefinedFunctions, [path[0], rid, "udfs"], record);
  }
}

/**
 * From now on, passes every change to `account` to `record` (as JSON text), synchronously as it happens. Call it
 * after restoring, so the restore itself is not recorded.
 */
export function recordChanges(account: EmulatorAccount, record: (change: string) => void): void {
  hook(account.databases as unknown as Store, [], record);
}

function storeAt(account: EmulatorAccount, path: StorePath): Store | undefined {
  const databases = account.databases as unknown as Store;
  if (path.length === 0) return databases;
  const database = databases._data.get(path[0]) as unknown as Database | undefined;
  if (!database || path.length === 1) return database?.collections;
  const collection = database.collections._data.get(path[1]) as unknown as Collection | undefined;
  if (!collection) return undefined;
  return path[2] === "docs" ? collection.documents : collection.userDefinedFunctions;
}

function compileUdf(body: string): unknown {
  return new Function(`"use strict";return (${body})`)();
}

/**
 * Applies journaled changes in order. Throws (naming the change) when one does not fit the state, which means the
 * journal does not continue this snapshot.
 */
export function applyChanges(account: EmulatorAccount, changes: readonly unknown[]): void {
  for (const value of changes) {
    const change = value as Change;
    const store = storeAt(account, change.s);
    if (!store) throw new Error(`a change to ${change.s.join("/") || "databases"}/${change.r}: its parent is missing`);
    if (change.v) {
      store._set(change.v);
      if (store.functions && change.s[2] === "udfs") store.functions[change.v.id] = compileUdf(String(change.v.body));
    } else if (store._data.has(change.r)) {
      store.delete(change.r, change.r);
    }
    store._ridCount = Math.max(store._ridCount, change.n);
  }
}
