/**
 * The write-ahead journal of the durable Cosmos DB emulator: `.platform/cosmos/journal.log`.
 *
 * One line per commit: `<crc32 hex> <JSON array of changes>\n`, after a first line `<crc32 hex> {"format":…,
 * "generation":n}`. The generation ties the journal to the snapshot it continues (`state.json` holds the same number):
 * compaction writes a new snapshot with generation n+1, then starts an empty journal with n+1, so a crash between the
 * two leaves a journal older than its snapshot, which is simply ignored.
 *
 * Commits are grouped: every change recorded while one append + fdatasync is on disk goes into the next line, so a
 * bulk ingest pays one fsync per group, not per row. A request is answered only after the line that holds its changes
 * is on disk.
 *
 * Reading back: a last line that is incomplete or fails its checksum was never acknowledged (its writer died
 * mid-append) and is dropped. A bad line followed by a good one is corruption: reported with the file's path, never
 * repaired or deleted silently.
 */
import { closeSync, existsSync, openSync, statSync, ftruncateSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { crc32 } from "node:zlib";
import { CorruptDataError } from "./errors";
import { fileLines, writeFileAtomic } from "./files";

/** The `format` marker of the journal's header line. */
export const journalFormat = "ai-platform.cosmos-journal";

/** Encodes one journal line (header or commit) with its checksum. */
export function journalLine(json: string): string {
  return `${crc32(json).toString(16).padStart(8, "0")} ${json}\n`;
}

/** What {@link readJournal} found. */
export interface JournalContent {
  /** The header's generation; undefined for a missing or empty journal. */
  generation: number | undefined;
  /** The committed change lists, oldest first (each one JSON array, parsed). */
  commits: unknown[][];
  /** Bytes of a torn last line that was dropped (0 if none). */
  tornBytes: number;
  /** Length of the valid prefix in bytes. */
  validBytes: number;
}

function parseLine(line: string): unknown {
  const space = line.indexOf(" ");
  if (space !== 8) throw new Error("no checksum");
  const json = line.slice(9);
  if (crc32(json).toString(16).padStart(8, "0") !== line.slice(0, 8)) throw new Error("checksum mismatch");
  return JSON.parse(json);
}

/**
 * Reads a journal file. Throws `CorruptDataError` (path, line number, reset hint naming `dataDir`) when a bad line
 * is followed by a good one or the header is not a journal header; a torn tail is reported in `tornBytes`.
 */
export function readJournal(file: string, dataDir: string): JournalContent {
  if (!existsSync(file)) return { generation: undefined, commits: [], tornBytes: 0, validBytes: 0 };
  const values: unknown[] = [];
  let validBytes = 0;
  let badAt: number | undefined;
  let badReason = "";
  let index = -1;
  // Line by line: a journal may grow to the size of the state it continues, past what one string can hold.
  for (const { text: line, terminated } of fileLines(file)) {
    if (!terminated) break; // a torn tail: never acknowledged
    index += 1;
    let value: unknown;
    try {
      value = parseLine(line);
    } catch (error) {
      badAt ??= index;
      badReason ||= (error as Error).message;
      continue;
    }
    if (badAt !== undefined) {
      throw new CorruptDataError(file, `line ${badAt + 1}: ${badReason}, yet later lines are intact`, dataDir);
    }
    values.push(value);
    validBytes += Buffer.byteLength(line) + 1;
  }
  const tornBytes = statSync(file).size - validBytes;
  const [header, ...commits] = values;
  if (header === undefined) return { generation: undefined, commits: [], tornBytes, validBytes: 0 };
  const h = header as { format?: unknown; generation?: unknown };
  if (h.format !== journalFormat || !Number.isInteger(h.generation)) {
    throw new CorruptDataError(file, "line 1 is not a journal header", dataDir);
  }
  for (const [index, commit] of commits.entries()) {
    if (!Array.isArray(commit)) throw new CorruptDataError(file, `line ${index + 2}: not a list of changes`, dataDir);
  }
  return { generation: h.generation as number, commits: commits as unknown[][], tornBytes, validBytes };
}

/** Cuts a torn tail off, so new commits do not follow garbage. */
export function truncateJournal(file: string, validBytes: number): void {
  const fd = openSync(file, "r+");
  try {
    ftruncateSync(fd, validBytes);
  } finally {
    closeSync(fd);
  }
}

/** Options of {@link JournalWriter}. */
export interface JournalWriterOptions {
  /** fdatasync each commit (default true). `false` only measures what durability costs; a crash may lose writes. */
  fsync?: boolean;
  /**
   * Called between commits when the journal reached `compactBytes` (or on `compactNow`): it must snapshot the state
   * synchronously and then return `restart(nextGeneration)`.
   */
  compact?: () => Promise<void>;
  /**
   * The journal size that triggers `compact`. Default 64 MiB. After a compaction the trigger is at least the size of
   * the snapshot it wrote, so each compaction rewrites no more than the journal has grown since the last one:
   * compaction costs stay proportional to what is written, however large the state gets.
   */
  compactBytes?: number;
}

/** Appends group commits to the journal; see the module comment. */
export class JournalWriter {
  private handle: FileHandle | undefined;
  private changes: string[] = [];
  private waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private pumping = false;
  private failure: Error | undefined;
  private bytes = 0;
  private compactAt: number;
  private compactRequested = false;

  private constructor(
    private readonly file: string,
    private readonly opts: JournalWriterOptions,
  ) {
    this.compactAt = opts.compactBytes ?? 64 << 20;
  }

  /** Starts a fresh journal of `generation` (atomically replacing any old one) and opens it for appending. */
  static async create(
    file: string,
    generation: number,
    opts: JournalWriterOptions = {},
    snapshotBytes = 0,
  ): Promise<JournalWriter> {
    const writer = new JournalWriter(file, opts);
    await writer.restart(generation, snapshotBytes);
    return writer;
  }

  /**
   * Opens an existing journal of `validBytes` (already read back and truncated) for appending; `snapshotBytes` is the
   * size of the snapshot it continues.
   */
  static async append(
    file: string,
    validBytes: number,
    opts: JournalWriterOptions = {},
    snapshotBytes = 0,
  ): Promise<JournalWriter> {
    const writer = new JournalWriter(file, opts);
    writer.handle = await open(file, "a");
    writer.bytes = validBytes;
    writer.compactAt = Math.max(writer.compactAt, snapshotBytes);
    return writer;
  }

  /** The first error a commit hit; every later `commit()` rejects with it (memory and disk may differ now). */
  get failed(): Error | undefined {
    return this.failure;
  }

  /** Records one change (a JSON value, serialized now so later in-place edits cannot alter it). */
  record(change: string): void {
    this.changes.push(change);
  }

  /** Resolves once every change recorded so far is on disk. */
  commit(force = false): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (!force && this.changes.length === 0 && !this.pumping) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      if (!this.pumping) void this.pump();
    });
  }

  /** Commits what is pending, then compacts (snapshot + fresh journal) between two commits. */
  compactNow(): Promise<void> {
    this.compactRequested = true;
    return this.commit(true);
  }

  /**
   * Replaces the journal with an empty one of `generation`, synchronously with respect to recorded changes: call it
   * right after a snapshot that holds every change so far. Changes recorded and not yet written are in that
   * snapshot, so they are dropped here and their waiters resolve on the next commit round. `snapshotBytes`, the
   * snapshot's size, sets the next compaction trigger.
   */
  async restart(generation: number, snapshotBytes = 0): Promise<void> {
    this.compactAt = Math.max(this.opts.compactBytes ?? 64 << 20, snapshotBytes);
    this.changes = [];
    const old = this.handle;
    this.handle = undefined;
    const header = journalLine(JSON.stringify({ format: journalFormat, generation }));
    writeFileAtomic(this.file, header);
    this.bytes = Buffer.byteLength(header);
    await old?.close();
    this.handle = await open(this.file, "a");
  }

  /** Waits for pending commits, then closes the file. */
  async close(): Promise<void> {
    await this.commit().catch(() => undefined);
    await this.handle?.close();
    this.handle = undefined;
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (this.waiters.length > 0) {
        const changes = this.changes;
        const waiters = this.waiters;
        this.changes = [];
        this.waiters = [];
        try {
          if (changes.length > 0) await this.append(changes);
          if (this.opts.compact && (this.compactRequested || this.bytes >= this.compactAt)) {
            this.compactRequested = false;
            await this.opts.compact();
          }
          for (const w of waiters) w.resolve();
        } catch (error) {
          this.failure ??= error as Error;
          for (const w of [...waiters, ...this.waiters.splice(0)]) w.reject(this.failure);
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private async append(changes: string[]): Promise<void> {
    if (!this.handle) throw new Error(`journal ${this.file} is closed`);
    const line = journalLine(`[${changes.join(",")}]`);
    await this.handle.write(line);
    if (this.opts.fsync !== false) await this.handle.datasync();
    this.bytes += Buffer.byteLength(line);
  }
}
