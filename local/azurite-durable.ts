/**
 * Makes Azurite's blob service answer a write only once it is on disk. Azurite flushes blob content with
 * fdatasync, but keeps its metadata (which blobs exist, their blocks and properties) in LokiJS databases that it saves
 * every 5 seconds: a crash within that window loses blobs whose upload it had acknowledged. Here every write
 * request's response waits for a save of both metadata databases, flushed to disk; saves are grouped, so concurrent
 * writes share one.
 *
 * Note: it reads Azurite 3.35's `metadataStore.db` / `extentMetadataStore.db` (LokiJS) and `httpServer`; the
 * crash tests in `test/local` fail if an upgrade moves them.
 */
import { closeSync, fsyncSync, openSync } from "node:fs";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { dirname } from "node:path";
import { syncDirectory } from "./files";

interface LokiDb {
  filename: string;
  saveDatabase(callback: (error?: Error | null) => void): void;
}

/** The parts of Azurite's `BlobServer` this module uses. */
export interface AzuriteInternals {
  httpServer?: Server;
  metadataStore?: { db?: LokiDb };
  extentMetadataStore?: { db?: LokiDb };
}

function save(db: LokiDb): Promise<void> {
  return new Promise<void>((resolve, reject) => db.saveDatabase((error) => (error ? reject(error) : resolve()))).then(
    () => {
      const fd = openSync(db.filename, "r");
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      syncDirectory(dirname(db.filename));
    },
  );
}

const writeMethods = new Set(["PUT", "POST", "DELETE", "PATCH"]);

/** Hooks `server` so that write responses wait for durable metadata; throws if Azurite's internals moved. */
export function makeAzuriteDurable(server: AzuriteInternals): void {
  const http = server.httpServer;
  const dbs = [server.metadataStore?.db, server.extentMetadataStore?.db];
  if (!http || dbs.some((db) => typeof db?.saveDatabase !== "function" || typeof db.filename !== "string")) {
    throw new Error("unsupported Azurite: its blob server has no LokiJS metadata databases to make durable");
  }
  let waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  let pumping = false;
  const pump = async (): Promise<void> => {
    pumping = true;
    while (waiters.length > 0) {
      const batch = waiters;
      waiters = [];
      try {
        for (const db of dbs) await save(db!);
        for (const w of batch) w.resolve();
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    pumping = false;
  };
  const durable = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      waiters.push({ resolve, reject });
      if (!pumping) void pump();
    });

  const listeners = http.listeners("request") as ((req: IncomingMessage, res: ServerResponse) => void)[];
  http.removeAllListeners("request");
  http.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (writeMethods.has(req.method ?? "")) {
      const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
      res.end = ((...args: unknown[]) => {
        durable().then(
          () => end(...args),
          (error: unknown) => {
            // Not durable: the client must not take this write as done.
            process.stderr.write(`azurite metadata save failed: ${(error as Error).message}\n`);
            res.destroy(error as Error);
          },
        );
        return res;
      }) as typeof res.end;
    }
    for (const listener of listeners) listener.call(http, req, res);
  });
}
