/**
 * The local platform's data directory (`.platform/` by default, git-ignored): its layout, the lock that keeps two
 * `npm start`s off the same directory, and `platform.json`, which tells the CLI where the running platform is.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { AlreadyRunningError, CorruptDataError } from "./errors";
import { isProcessAlive, writeFileAtomic } from "./files";

/** Where everything lives under one data directory. */
export interface DataDirLayout {
  /** Absolute path of the data directory. */
  root: string;
  /** `LocalPlatformState` of the running platform; present only while it is ready and running. */
  platformJson: string;
  /** Holds the pid of the process that owns the directory, from start until stop. */
  lock: string;
  /** The emulator ports of the last run, reused by default (artifact URIs recorded in the registry embed the blob port). */
  ports: string;
  /** The Cosmos emulator's `state.json` and write-ahead `journal.log`. */
  cosmos: string;
  /** Azurite's blob data and metadata. */
  azurite: string;
  /** Scratch space (training work files); safe to delete when stopped. */
  tmp: string;
}

/** The data directory used when none is given: `.platform` in the working directory. */
export const defaultDataDir = ".platform";

/** The layout of `dataDir` (resolved against the working directory). Creates nothing. */
export function dataDirLayout(dataDir: string = defaultDataDir): DataDirLayout {
  const root = resolve(dataDir);
  return {
    root,
    platformJson: join(root, "platform.json"),
    lock: join(root, "lock"),
    ports: join(root, "ports.json"),
    cosmos: join(root, "cosmos"),
    azurite: join(root, "azurite"),
    tmp: join(root, "tmp"),
  };
}

/** What `acquireLock` found and did. */
export interface LockResult {
  /** Releases the lock (and removes `platform.json`). Idempotent. */
  release(): void;
  /** Pid of a crashed run whose lock and `platform.json` were taken over; undefined if none. */
  staleFrom?: number;
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, "utf8").trim(), 10);
    return Number.isInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the data directory for this process, creating it. A lock held by a live process fails with
 * `AlreadyRunningError`; one left by a crashed run (its pid is gone) is taken over, together with its stale
 * `platform.json`, and reported in `staleFrom`.
 */
export function acquireLock(layout: DataDirLayout, pid = process.pid): LockResult {
  mkdirSync(layout.root, { recursive: true });
  let staleFrom: number | undefined;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      writeFileSync(layout.lock, `${pid}\n`, { flag: "wx", mode: 0o600 });
      let released = false;
      return {
        staleFrom,
        release() {
          if (released) return;
          released = true;
          rmSync(layout.platformJson, { force: true });
          if (readPid(layout.lock) === pid) rmSync(layout.lock, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = readPid(layout.lock);
      if (owner !== undefined && isProcessAlive(owner)) {
        throw new AlreadyRunningError(owner, layout.root);
      }
      staleFrom = owner;
      rmSync(layout.lock, { force: true });
      rmSync(layout.platformJson, { force: true });
    }
  }
  throw new Error(`could not take the lock ${layout.lock}: another process keeps re-creating it`);
}

/** Writes `platform.json` atomically (mode 0600: it holds the emulators' well-known local keys). */
export function writePlatformJson(layout: DataDirLayout, state: object): void {
  writeFileAtomic(layout.platformJson, `${JSON.stringify(state, null, 2)}\n`);
}

/** What `readPlatformJson` found. */
export type PlatformJsonStatus =
  | { kind: "absent" }
  | { kind: "running"; state: Record<string, unknown> & { pid: number } }
  | { kind: "stale"; pid: number };

/**
 * Reads `platform.json` and checks that its process still lives. A file whose pid is gone is `stale` (a crashed
 * run). An unreadable file throws `CorruptDataError`.
 */
export function readPlatformJson(layout: DataDirLayout): PlatformJsonStatus {
  if (!existsSync(layout.platformJson)) return { kind: "absent" };
  let state: unknown;
  try {
    state = JSON.parse(readFileSync(layout.platformJson, "utf8"));
  } catch (error) {
    throw new CorruptDataError(layout.platformJson, (error as Error).message, layout.root);
  }
  const pid = (state as { pid?: unknown } | null)?.pid;
  if (typeof pid !== "number") {
    throw new CorruptDataError(layout.platformJson, "pid: expected a number", layout.root);
  }
  return isProcessAlive(pid) ? { kind: "running", state: state as { pid: number } } : { kind: "stale", pid };
}

/**
 * Deletes everything in the data directory but the lock the caller holds. Only ever called for an explicit
 * `--reset`, after `acquireLock` succeeded (so no running platform loses its data).
 */
export function resetDataDir(layout: DataDirLayout): void {
  for (const name of readdirSync(layout.root)) {
    const path = join(layout.root, name);
    if (path !== layout.lock) rmSync(path, { recursive: true, force: true });
  }
}

/** Emulator ports a previous run used on this data directory. */
export interface RememberedPorts {
  cosmos?: number;
  blob?: number;
}

/** The ports of the previous run (none on a fresh directory). An unreadable file throws `CorruptDataError`. */
export function readRememberedPorts(layout: DataDirLayout): RememberedPorts {
  if (!existsSync(layout.ports)) return {};
  try {
    const value = JSON.parse(readFileSync(layout.ports, "utf8")) as RememberedPorts;
    for (const key of ["cosmos", "blob"] as const) {
      const port = value[key];
      if (port !== undefined && (!Number.isInteger(port) || port <= 0 || port > 65535)) {
        throw new Error(`${key}: expected a port number, got ${JSON.stringify(port)}`);
      }
    }
    return { cosmos: value.cosmos, blob: value.blob };
  } catch (error) {
    throw new CorruptDataError(layout.ports, (error as Error).message, layout.root);
  }
}

/** Records the emulator ports of this run for the next one. */
export function rememberPorts(layout: DataDirLayout, ports: Required<RememberedPorts>): void {
  writeFileAtomic(layout.ports, `${JSON.stringify(ports)}\n`);
}

/** Azurite's metadata databases (LokiJS, JSON) under `azurite/`, as `startAzurite` names them. */
const azuriteMetadataFiles = ["__azurite_db_blob__.json", "__azurite_db_blob_extent__.json"];

/**
 * Checks that Azurite's metadata files parse, so a damaged one is reported by path (with the reset hint) instead of
 * Azurite's bare JSON error. Missing files are fine (a fresh directory).
 */
export function assertAzuriteMetadataReadable(layout: DataDirLayout): void {
  for (const name of azuriteMetadataFiles) {
    const file = join(layout.azurite, name);
    if (!existsSync(file)) continue;
    try {
      JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      throw new CorruptDataError(file, (error as Error).message, layout.root);
    }
  }
}
