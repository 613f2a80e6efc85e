/**
 * Small file primitives the local platform's state relies on: atomic replacement and process liveness.
 */
import { closeSync, fsyncSync, openSync, readSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { StringDecoder } from "node:string_decoder";

/**
 * Replaces `path` with `content` (a string, or pieces written one after another, so a large file never has to be one
 * string) atomically: writes a temporary sibling, flushes it to disk, then renames it over the target, and flushes
 * the directory. A crash leaves either the old or the new file, never a truncated one. Returns the bytes written.
 */
export function writeFileAtomic(path: string, content: string | Iterable<string>): number {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(tmp, "w", 0o600);
  let bytes = 0;
  try {
    for (const piece of typeof content === "string" ? [content] : content) bytes += writeSync(fd, piece);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
  syncDirectory(dirname(path));
  return bytes;
}

/**
 * The lines of a file, read 1 MB at a time, so a file of any size is never one string (V8 caps strings near 512 MB).
 * `terminated` is false only for a last line without its newline.
 */
export function* fileLines(file: string): Generator<{ text: string; terminated: boolean }> {
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.alloc(1 << 20);
    const decoder = new StringDecoder("utf8");
    let rest = "";
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) {
      const text = rest + decoder.write(buffer.subarray(0, n));
      let start = 0;
      for (let end = text.indexOf("\n"); end !== -1; end = text.indexOf("\n", start)) {
        yield { text: text.slice(start, end), terminated: true };
        start = end + 1;
      }
      rest = text.slice(start);
    }
    rest += decoder.end();
    if (rest !== "") yield { text: rest, terminated: false };
  } finally {
    closeSync(fd);
  }
}

/**
 * Flushes a directory's entries (a rename or a new file in it) to disk, so they survive power loss, not only a crash
 * of this process. Platforms that cannot open a directory (Windows) skip it.
 */
export function syncDirectory(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, "r");
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // EISDIR/EINVAL on platforms without directory fsync: nothing more can be done there.
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether a process with this pid exists. `EPERM` means it exists but belongs to another user: still alive.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
