/**
 * The local Cosmos DB emulator: @vercel/cosmosdb-server's account and routes behind our own HTTPS listener. In
 * memory for tests and benchmarks (`startCosmosEmulator`); durable for `npm start` (`startPersistentCosmos`):
 * restored from `.platform/cosmos/*.json` before the first request and saved back shortly after every write and on
 * stop. Tests therefore exercise the very server `npm start` runs.
 *
 * Why not the library's own `createHttpsServer`: it hides its in-memory account in a closure, and a faithful
 * snapshot (ETags, `_rid`s, `_ts` kept) needs that account. The request handling below
 * mirrors the library's `createHttpsServer` (lib/index.js of 1.0.1) line for line; the routes and handlers are the
 * library's own.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import * as https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { assertEmulatorAccount, exportAccount, importAccount, type EmulatorAccount } from "./cosmos-snapshot";
import { loadSnapshots, saveSnapshots } from "./cosmos-files";

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
  /** Directory of the snapshot files; read before listening, written after writes. */
  snapshotDir: string;
  /** The data directory, named in the reset hint of a corrupted-snapshot error. Defaults to `snapshotDir`. */
  dataDir?: string;
  /**
   * How long after a write the snapshot is saved, in ms. Defaults to 250: a burst of writes (a dataset ingest)
   * becomes one save, and a crash loses at most that long of writes.
   */
  saveDelayMs?: number;
  /** Called when a background save fails (the next write retries). Defaults to printing to stderr. */
  onSaveError?: (error: Error) => void;
}

/** A running persistent emulator: the `CosmosEmulator` shape plus explicit saving. */
export interface PersistentCosmos extends CosmosEmulator {
  /** How many databases were restored from disk at start (0 on a fresh data directory). */
  restoredDatabases: number;
  /** Saves the current state now (waits for a save in progress). */
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
  const root = join(dirname(main), "..");
  return {
    Account: (load(join(root, "lib", "account")) as { default: Library["Account"] }).default,
    route: (load(join(root, "lib", "routes")) as { default: Library["route"] }).default,
    tls: { cert: readFileSync(join(root, "cert.pem")), key: readFileSync(join(root, "key.pem")) },
  };
}

function isQuery(req: IncomingMessage): boolean {
  const header = req.headers["x-ms-documentdb-isquery"];
  const flag = Array.isArray(header)
    ? header.some((h) => h.toLowerCase() === "true")
    : header?.toLowerCase() === "true";
  return flag || req.headers["content-type"] === "application/query+json";
}

/** Whether a request may change state: everything but reads and queries. */
function isWrite(req: IncomingMessage): boolean {
  return req.method !== "GET" && req.method !== "HEAD" && !(req.method === "POST" && isQuery(req));
}

async function handle(lib: Library, account: unknown, req: IncomingMessage, res: ServerResponse): Promise<void> {
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
  res.end(JSON.stringify(body));
}

/**
 * Starts the emulator on 127.0.0.1 with the state saved under `snapshotDir`. A corrupted snapshot throws
 * `CorruptDataError` before anything listens; nothing is ever deleted here.
 */
export function startPersistentCosmos(opts: PersistentCosmosOptions): Promise<PersistentCosmos> {
  return startCosmosServer(opts);
}

/**
 * Starts an in-memory Cosmos DB emulator on 127.0.0.1 (HTTPS, self-signed certificate): the same server as
 * {@link startPersistentCosmos}, without a snapshot directory. Data lives until `stop()`.
 */
export function startCosmosEmulator(opts: CosmosEmulatorOptions = {}): Promise<CosmosEmulator> {
  return startCosmosServer(opts);
}

async function startCosmosServer(
  opts: CosmosEmulatorOptions & Partial<PersistentCosmosOptions>,
): Promise<PersistentCosmos> {
  const snapshotDir = opts.snapshotDir;
  const snapshots = snapshotDir === undefined ? [] : loadSnapshots(snapshotDir, opts.dataDir ?? snapshotDir);
  const lib = loadLibrary();
  const saveDelayMs = opts.saveDelayMs ?? 250;
  const onSaveError = opts.onSaveError ?? ((e: Error) => console.error(`cosmos snapshot: ${e.message}`));
  let account: EmulatorAccount | undefined;
  let timer: NodeJS.Timeout | undefined;
  let saving: Promise<void> = Promise.resolve();

  let lastSaveMs = 0;
  const save = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    saving = saving.then(() => {
      if (!account || snapshotDir === undefined) return;
      const started = Date.now();
      saveSnapshots(snapshotDir, exportAccount(account));
      lastSaveMs = Date.now() - started;
    });
    return saving;
  };
  const scheduleSave = (): void => {
    // A save blocks the event loop for as long as it takes; spacing saves by 4x that keeps a large ingest from
    // spending most of its time saving, at the cost of a longer window a crash could lose.
    timer ??= setTimeout(
      () => {
        save().catch(onSaveError);
      },
      Math.max(saveDelayMs, 4 * lastSaveMs),
    );
  };

  const server = https.createServer({ ...lib.tls, minVersion: "TLSv1.2", keepAlive: true }, (req, res) => {
    const write = isWrite(req);
    handle(lib, account, req, res)
      .catch(() => {
        if (!res.writableEnded) {
          res.statusCode = 500;
          res.end("");
        }
      })
      .finally(() => {
        if (write && snapshotDir !== undefined) scheduleSave();
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
  try {
    const created = new lib.Account("127.0.0.1", port);
    assertEmulatorAccount(created);
    importAccount(created, snapshots);
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
    restoredDatabases: snapshots.length,
    save,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(save);
      return stopped;
    },
  };
}
