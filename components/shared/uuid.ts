/**
 * Name-based UUIDs (RFC 9562 version 5), the same construction Bicep's `guid()` stands in for: the same
 * inputs always give the same id, so resources named this way are idempotent across runs.
 */
import { createHash } from "node:crypto";

/** The namespace every ai-platform name-based UUID is derived in. Changing it renames every role assignment. */
export const PLATFORM_UUID_NAMESPACE = "5c0a3f4e-9b1d-4c6e-8f2a-7d3b1e9c4a60";

/** A version-5 UUID of `name` in `namespace` (a UUID string). Pure and deterministic. */
export function uuidV5(name: string, namespace: string = PLATFORM_UUID_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ""), "hex");
  if (ns.length !== 16) throw new Error(`uuidV5: namespace "${namespace}" is not a UUID`);
  const bytes = createHash("sha1").update(ns).update(name, "utf8").digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
