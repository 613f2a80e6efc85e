/** Reads a resources file in the plan's JSON shape: `[{ "type", "name", "parent"?, "inputs" }]`. */
import { readFileSync } from "node:fs";
import { type CheckResource } from "./types";

/** A resources file that does not have the plan's shape; the message names the entry and field. */
export class ResourcesFileError extends Error {
  override name = "ResourcesFileError";
}

/** Validates parsed JSON as resources (also accepts a plan result `{ resources: [...] }`). */
export function parseResources(data: unknown, source = "resources"): CheckResource[] {
  const list = Array.isArray(data) ? data : (data as { resources?: unknown } | null)?.resources;
  if (!Array.isArray(list))
    throw new ResourcesFileError(
      `${source}: expected an array of { type, name, parent?, inputs } (or { resources: [...] })`,
    );
  const errors: string[] = [];
  list.forEach((r: unknown, i) => {
    const e = r as Record<string, unknown> | null;
    if (typeof e !== "object" || e === null) return errors.push(`[${i}]: must be an object`);
    if (typeof e.type !== "string" || e.type === "") errors.push(`[${i}].type: must be a non-empty string`);
    if (typeof e.name !== "string" || e.name === "") errors.push(`[${i}].name: must be a non-empty string`);
    if (e.parent !== undefined && typeof e.parent !== "string") errors.push(`[${i}].parent: must be a string`);
    if (typeof e.inputs !== "object" || e.inputs === null || Array.isArray(e.inputs))
      errors.push(`[${i}].inputs: must be an object`);
    return undefined;
  });
  if (errors.length > 0)
    throw new ResourcesFileError(`${source} is not in the plan's shape:\n  ${errors.slice(0, 20).join("\n  ")}`);
  return list as CheckResource[];
}

/** Reads and validates a resources file. */
export function readResourcesFile(file: string): CheckResource[] {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new ResourcesFileError(`cannot read resources file ${file}: ${(e as Error).message}`);
  }
  return parseResources(data, file);
}
