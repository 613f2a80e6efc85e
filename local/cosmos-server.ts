/**
 * The local Cosmos DB emulator: @vercel/cosmosdb-server's account and routes behind our own HTTPS listener. In
 * memory for tests and benchmarks (`startCosmosEmulator`); durable for `npm start` (`startPersistentCosmos`): every
 * change goes to a write-ahead journal that is on disk before the request is answered (`cosmos-journal.ts`), the
 * journal is compacted into `state.json`, and both are read back before the first request. Tests therefore exercise
 * the very server `npm start` runs.
 *
 * Why not the library's own `createHttpsServer`: it hides its in-memory account in a closure, and a faithful
 * snapshot (ETags, `_rid`s, `_ts` kept) needs that account. The request handling below
 * mirrors the library's `createHttpsServer` (lib/index.js of 1.0.1) line for line; the routes and handlers are the
 * library's own.
 */
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import * as https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { assertEmulatorAccount, exportAccount, importAccount, type EmulatorAccount } from "./cosmos-snapshot";
import { journalFileName, loadState, saveState, stateFileName } from "./cosmos-files";
import { applyChanges, recordChanges } from "./cosmos-changes";
import { linearizeEmulatorQueries } from "./cosmos-query-fix";
import { JournalWriter, readJournal } from "./cosmos-journal";
import { CorruptDataError } from "./errors";

/**
 * The Cosmos DB emulator's well-known master key. The local server accepts any key; the SDK still signs requests
 * with one, so we use the value every Cosmos DB emulator documents (it is public and grants nothing on Azure).
 */
export const cosmosEmulatorKey =
  "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

/** A running Cosmos DB emulator. */
export interface CosmosEmulator {
  /** `https://127.0.0.1:<port>/`; the certificate is self-signed (see `cosmosEmulatorAgent` in `./emulators`). */
  endpoint: string;
  /** The key clients sign with ({@link cosmosEmulatorKey}). */
  key: string;
  /** The underlying HTTPS server. */
  server: https.Server;
  /** Stops listening and drops open connections. Idempotent. */
  stop(): Promise<void>;
}

/** Options of {@link startCosmosEmulator}. */
export interface CosmosEmulatorOptions {
  /** TCP port on 127.0.0.1; `0` (the default) picks a free one, so parallel test files never collide. */
  port?: number;
}

/** Options of {@link startPersistentCosmos}. */
export interface PersistentCosmosOptions extends CosmosEmulatorOptions {
  /** Directory of `state.json` and `journal.log`; read before listening, appended to on every write. */
  snapshotDir: string;
  /** The data directory, named in the reset hint of a corrupted-file error. Defaults to `snapshotDir`. */
  dataDir?: string;
  /**
   * fdatasync each group commit before answering (default true): an acknowledged write survives `kill -9` and power
   * loss. `false` keeps only `kill -9` safety (the page cache) and exists to measure what fsync costs.
   */
  fsync?: boolean;
  /** The journal size at which it is compacted into `state.json`, bytes. Default 64 MiB. */
  compactBytes?: number;
  /** Called when a journal write fails (every later request then gets a 503). Defaults to printing to stderr. */
  onJournalError?: (error: Error) => void;
}

/** A running persistent emulator: the `CosmosEmulator` shape plus explicit compaction. */
export interface PersistentCosmos extends CosmosEmulator {
  /** How many databases were restored from disk at start (0 on a fresh data directory). */
  restoredDatabases: number;
  /** Journal commits replayed at start (written after the last compaction, e.g. before a crash). */
  replayedCommits: number;
  /** Bytes of a torn last journal line dropped at start (a write that was never acknowledged). */
  droppedTornBytes: number;
  /** Compacts now: writes `state.json` and starts an empty journal (waits for pending commits). */
  save(): Promise<void>;
}

type Route = [
  Record<string, string>,
  (account: unknown, req: IncomingMessage, res: ServerResponse, params: unknown) => Promise<unknown>,
];

interface Library {
  Account: new (host: string, port: number) => unknown;
  route: (req: IncomingMessage) => Route | undefined;
  tls: { cert: Buffer; key: Buffer };
}

function loadLibrary(): Library {
  const load = createRequire(__filename);
  const main = load.resolve("@vercel/cosmosdb-server");
  linearizeEmulatorQueries(main);
  const root = join(dirname(main), "..");
  return {
    Account: (load(join(root, "lib", "account")) as { default: Library["Account"] }).default,
    route: (load(join(root, "lib", "routes")) as { default: Library["route"] }).default,
    tls: { cert: readFileSync(join(root, "cert.pem")), key: readFileSync(join(root, "key.pem")) },
  };
}

async function handle(
  lib: Library,
  account: unknown,
  req: IncomingMessage,
  res: ServerResponse,
  durable: () => Promise<void>,
): Promise<void> {
  const route = lib.route(req);
  let body: Record<string, unknown>;
  if (route) {
    const [params, handler] = route;
    try {
      body = ((await handler(account, req, res, params)) ?? {}) as Record<string, unknown>;
    } catch (error) {
      body = { message: (error as Error).message };
      res.statusCode = 500;
    }
    if (res.statusCode > 399 && !body.message) body.message = "";
  } else {
    res.statusCode = 400;
    body = { message: "no route" };
  }
  // `Prefer: return=minimal` on a batch: Azure answers each operation's status without its document; so do we.
  if (Array.isArray(body) && req.headers.prefer === "return=minimal")
    body = (body as Record<string, unknown>[]).map(({ resourceBody: _omitted, ...rest }) => rest) as unknown as Record<
      string,
      unknown
    >;
  if (typeof body._etag === "string") res.setHeader("etag", body._etag);
  res.setHeader("content-type", "application/json");
  res.setHeader("content-location", `https://${req.headers.host ?? ""}${req.url ?? ""}`);
  res.setHeader("connection", "keep-alive");
  res.setHeader("x-ms-activity-id", randomUUID());
  res.setHeader("x-ms-request-charge", "1");
  if (req.headers["a-im"] && res.statusCode === 200) {
    if (req.headers["if-none-match"]) res.statusCode = 304;
    res.setHeader("etag", "1");
  }
  // Answer only once what this request changed (and anything it could have read) is in the journal on disk.
  try {
    await durable();
  } catch (error) {
    res.statusCode = 503;
    body = {
      code: "ServiceUnavailable",
      message: `the emulator could not journal writes: ${(error as Error).message}`,
    };
  }
  res.end(JSON.stringify(body));
}

/**
 * Starts the emulator on 127.0.0.1 with the state under `snapshotDir`: `state.json` restored, then the journal
 * replayed (a torn last line dropped). A corrupted file throws `CorruptDataError` before anything listens; nothing is
 * ever deleted here.
 */
export function startPersistentCosmos(opts: PersistentCosmosOptions): Promise<PersistentCosmos> {
  return startCosmosServer(opts);
}

/**
 * Starts an in-memory Cosmos DB emulator on 127.0.0.1 (HTTPS, self-signed certificate): the same server as
 * {@link startPersistentCosmos}, without a data directory. Data lives until `stop()`.
 */
export function startCosmosEmulator(opts: CosmosEmulatorOptions = {}): Promise<CosmosEmulator> {
  return startCosmosServer(opts);
}

async function startCosmosServer(
  opts: CosmosEmulatorOptions & Partial<PersistentCosmosOptions>,
): Promise<PersistentCosmos> {
  const dir = opts.snapshotDir;
  const dataDir = opts.dataDir ?? dir ?? "";
  const journalFile = dir === undefined ? "" : join(dir, journalFileName);
  const state = dir === undefined ? { generation: 0, databases: [] } : loadState(dir, dataDir);
  const journal = dir === undefined ? undefined : readJournal(journalFile, dataDir);
  // A journal older than the state was compacted into it (a crash right after compaction); a newer one means the
  // state it continues is missing.
  const replay = journal?.generation === state.generation ? journal : undefined;
  if (journal?.generation !== undefined && journal.generation > state.generation) {
    throw new CorruptDataError(
      journalFile,
      `continues state generation ${journal.generation}, but ${stateFileName} has ${state.generation}`,
      dataDir,
    );
  }
  const lib = loadLibrary();
  const onJournalError = opts.onJournalError ?? ((e: Error) => console.error(`cosmos journal: ${e.message}`));
  let account: EmulatorAccount | undefined;
  let writer: JournalWriter | undefined;
  let reported = false;
  const durable = async (): Promise<void> => {
    try {
      await writer?.commit();
    } catch (error) {
      if (!reported) onJournalError(error as Error);
      reported = true;
      throw error;
    }
  };

  const server = https.createServer({ ...lib.tls, minVersion: "TLSv1.2", keepAlive: true }, (req, res) => {
    handle(lib, account, req, res, durable).catch(() => {
      if (!res.writableEnded) {
        res.statusCode = 500;
        res.end("");
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let generation = state.generation;
  try {
    const created = new lib.Account("127.0.0.1", port);
    assertEmulatorAccount(created);
    importAccount(created, state.databases);
    for (const [index, commit] of (replay?.commits ?? []).entries()) {
      try {
        applyChanges(created, commit);
      } catch (error) {
        throw new CorruptDataError(journalFile, `line ${index + 2}: ${(error as Error).message}`, dataDir);
      }
    }
    if (dir !== undefined) {
      mkdirSync(dir, { recursive: true });
      const compact = (): Promise<void> => {
        generation += 1;
        return writer!.restart(generation, saveState(dir, generation, exportAccount(created)));
      };
      const writerOpts = { fsync: opts.fsync, compactBytes: opts.compactBytes, compact };
      if (replay && replay.commits.length === 0 && replay.tornBytes === 0) {
        const stateBytes = existsSync(join(dir, stateFileName)) ? statSync(join(dir, stateFileName)).size : 0;
        writer = await JournalWriter.append(journalFile, replay.validBytes, writerOpts, stateBytes);
      } else {
        // Fresh directory, older files, a replayed or torn journal: start from a compacted state.
        generation += 1;
        const stateBytes = saveState(dir, generation, exportAccount(created));
        writer = await JournalWriter.create(journalFile, generation, writerOpts, stateBytes);
      }
      recordChanges(created, (change) => writer!.record(change));
    }
    account = created;
  } catch (error) {
    server.close();
    throw error;
  }

  let stopped: Promise<void> | undefined;
  return {
    endpoint: `https://127.0.0.1:${port}/`,
    key: cosmosEmulatorKey,
    server,
    restoredDatabases: state.databases.length,
    replayedCommits: replay?.commits.length ?? 0,
    droppedTornBytes: journal?.tornBytes ?? 0,
    async save() {
      await writer?.compactNow();
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })
        .then(() => writer?.compactNow())
        .finally(() => writer?.close());
      return stopped;
    },
  };
}
