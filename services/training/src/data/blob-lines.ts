/**
 * Line-oriented blobs (JSON Lines exports of dataset rows) written and read as streams: the writer stages blocks of
 * a few MB and commits the block list at the end, the reader reads the download stream line by line. Neither ever
 * holds the whole blob, so an export's size is bounded by storage, not by memory or the longest string V8 allows.
 */
import { createInterface } from "node:readline";
import type { BlockBlobClient } from "@azure/storage-blob";

/** Block size of the writer: large enough that a 1M-row export is a few hundred requests. */
const blockBytes = 4 * 1024 * 1024;

/** Options of {@link BlobLinesWriter}. */
export interface BlobLinesOptions {
  contentType?: string;
  /** Refuse to overwrite an existing blob (immutable exports). */
  createOnly?: boolean;
}

/** Appends lines to a block blob that appears, whole, at {@link BlobLinesWriter.close}. */
export class BlobLinesWriter {
  private parts: string[] = [];
  private bytes = 0;
  private readonly blockIds: string[] = [];
  private staging: Promise<void> = Promise.resolve();
  private failure: Error | undefined;

  constructor(
    private readonly blob: BlockBlobClient,
    private readonly opts: BlobLinesOptions = {},
  ) {}

  /** Adds one line (without its newline); resolves at once unless a block must wait for the previous one. */
  async write(line: string): Promise<void> {
    this.parts.push(line, "\n");
    this.bytes += line.length + 1;
    if (this.bytes >= blockBytes) await this.stage();
  }

  /** Stages what is buffered and commits every block in order; an empty writer commits an empty blob. */
  async close(): Promise<void> {
    if (this.bytes > 0) await this.stage();
    await this.staging;
    if (this.failure) throw this.failure;
    await this.blob.commitBlockList(this.blockIds, {
      blobHTTPHeaders: { blobContentType: this.opts.contentType ?? "application/x-ndjson" },
      ...(this.opts.createOnly ? { conditions: { ifNoneMatch: "*" } } : {}),
    });
  }

  private async stage(): Promise<void> {
    const body = Buffer.from(this.parts.join(""), "utf8");
    this.parts = [];
    this.bytes = 0;
    const id = Buffer.from(String(this.blockIds.length).padStart(8, "0")).toString("base64");
    this.blockIds.push(id);
    await this.staging; // one block in flight while the next one fills
    if (this.failure) throw this.failure;
    this.staging = this.blob.stageBlock(id, body, body.length).then(
      () => undefined,
      (error: unknown) => void (this.failure = error as Error),
    );
  }
}

/** Streams `blob` and calls `visit` with each non-empty line, in order. */
export async function readBlobLines(blob: BlockBlobClient, visit: (line: string) => void): Promise<void> {
  const stream = (await blob.download()).readableStreamBody;
  if (!stream) return;
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) if (line !== "") visit(line);
}
