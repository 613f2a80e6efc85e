/**
 * Model artifacts in Blob storage under content-addressed paths: `sha256/<hex>/<fileName>` in the `models`
 * container. The path is derived from the bytes, so an upload is written once with `If-None-Match: *` and never
 * overwritten; a second upload of the same bytes finds it already there. Reads verify the hash.
 */
import { createHash } from "node:crypto";
import type { ContainerClient } from "@azure/storage-blob";
import { isLoopbackEndpoint } from "./connection.js";
import { ArtifactIntegrityError } from "./types.js";

/** The artifact operations both services use. */
export interface ArtifactStore {
  /** Stores `bytes` content-addressed; returns its URI, sha256 (hex) and size. */
  put(
    bytes: Uint8Array,
    opts: { contentType: string; fileName: string },
  ): Promise<{ uri: string; sha256: string; sizeBytes: number }>;
  /** Downloads `uri`; throws {@link ArtifactIntegrityError} when the bytes do not hash to `expectedSha256`. */
  get(uri: string, expectedSha256: string): Promise<Uint8Array>;
}

/** Lowercase hex sha256 of `bytes`. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function statusCode(error: unknown): number | undefined {
  return typeof error === "object" && error !== null && "statusCode" in error && typeof error.statusCode === "number"
    ? error.statusCode
    : undefined;
}

/** An {@link ArtifactStore} over one blob container. */
export class BlobArtifactStore implements ArtifactStore {
  constructor(private readonly container: ContainerClient) {}

  async put(
    bytes: Uint8Array,
    opts: { contentType: string; fileName: string },
  ): Promise<{ uri: string; sha256: string; sizeBytes: number }> {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(opts.fileName)) {
      throw new Error(`fileName: "${opts.fileName}" must be letters, digits, '.', '_' or '-' (no path separators)`);
    }
    const sha256 = sha256Hex(bytes);
    const blob = this.container.getBlockBlobClient(`sha256/${sha256}/${opts.fileName}`);
    try {
      await blob.uploadData(bytes, {
        blobHTTPHeaders: { blobContentType: opts.contentType },
        conditions: { ifNoneMatch: "*" },
        metadata: { sha256 },
      });
    } catch (error) {
      const code = statusCode(error);
      if (code !== 409 && code !== 412) throw error; // already there: same path means same bytes
    }
    return { uri: blob.url, sha256, sizeBytes: bytes.byteLength };
  }

  async get(uri: string, expectedSha256: string): Promise<Uint8Array> {
    const path = this.blobPath(uri);
    const bytes = new Uint8Array(await this.container.getBlockBlobClient(path).downloadToBuffer());
    const actual = sha256Hex(bytes);
    if (actual !== expectedSha256) {
      throw new ArtifactIntegrityError(
        `artifact ${uri}: sha256 ${actual} does not match the recorded ${expectedSha256}`,
      );
    }
    return bytes;
  }

  /** The blob name inside this container for a URI this store issued. */
  private blobPath(uri: string): string {
    const prefix = `${this.container.url}/`;
    if (uri.startsWith(prefix)) return decodeURIComponent(uri.slice(prefix.length));
    // The local emulator (Azurite) may come back on another loopback port: the same account/container path there
    // is the same store. Never across hosts.
    const issued = new URL(uri);
    const here = new URL(this.container.url);
    const path = `${here.pathname.replace(/\/$/, "")}/`;
    const local = isLoopbackEndpoint(issued.href) && isLoopbackEndpoint(here.href);
    if (!local || !issued.pathname.startsWith(path))
      throw new Error(`uri: ${uri} is not in this artifact store (${this.container.url})`);
    return decodeURIComponent(issued.pathname.slice(path.length));
  }
}
