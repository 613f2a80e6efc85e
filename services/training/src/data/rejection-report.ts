/**
 * The rejection report of an ingest: one JSON line per refused row (line, reason, the values as read), written as
 * rows are refused so a file of any size never holds its rejections in memory. Validation rejections arrive in line
 * order; a write the service refused is added when its batch answers.
 */
import { closeSync, openSync, writeSync } from "node:fs";

/** How many rejections the run record keeps for the console. */
const sampleSize = 50;

/** An open rejection report file. */
export class RejectionReport {
  /** Rows rejected so far. */
  count = 0;
  private readonly fd: number;
  private readonly first: { line: number; reason: string }[] = [];

  constructor(path: string) {
    this.fd = openSync(path, "w");
  }

  /** Records one rejected row. */
  add(line: number, reason: string, values: unknown): void {
    writeSync(this.fd, `${JSON.stringify({ line, reason, values })}\n`);
    this.count += 1;
    if (this.first.length < sampleSize) this.first.push({ line, reason });
  }

  /** The first rejections, by line. */
  sample(): { line: number; reason: string }[] {
    return [...this.first].sort((a, b) => a.line - b.line);
  }

  /** Closes the file. */
  close(): void {
    closeSync(this.fd);
  }
}
