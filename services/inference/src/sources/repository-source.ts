/**
 * A Triton-layout model repository on disk: `<repo>/<model>/[config.json] <version>/model.onnx`.
 * Version directories are positive integers without leading zeros (others are ignored, as in Triton);
 * `<version>/model.onnx.sha256` (optional) is checked before loading; `<version>/baseline.json` (optional)
 * holds the drift baseline `{ "features": [...] }`.
 */
import { createHash } from "node:crypto";
import { watch as fsWatch } from "node:fs";
import { readFile, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { DEFAULT_MODEL_CONFIG, parseModelConfig, selectVersions } from "./model-config.js";
import type { FeatureBaseline, ModelSourceDriver, ModelSpec, VersionSpec } from "./types.js";

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const VERSION_DIR = /^[1-9][0-9]*$/;

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Reads `path`, checks it against the recorded sha256 (if any) and returns the bytes. */
export async function loadVerified(path: string, expectedSha256: string | undefined): Promise<Uint8Array> {
  const bytes = await readFile(path);
  if (expectedSha256 !== undefined) {
    const actual = createHash("sha256").update(bytes).digest("hex");
    if (actual !== expectedSha256)
      throw new Error(`sha256 mismatch for ${path}: expected ${expectedSha256}, got ${actual}`);
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

async function scanModel(root: string, name: string): Promise<ModelSpec | undefined> {
  const dir = join(root, name);
  const rawConfig = await readOptional(join(dir, "config.json"));
  let config = DEFAULT_MODEL_CONFIG;
  if (rawConfig !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawConfig);
    } catch (error) {
      throw new Error(`${name}/config.json is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
    config = parseModelConfig(name, parsed);
  }
  const entries = await readdir(dir, { withFileTypes: true });
  const found = new Map<number, VersionSpec>();
  for (const e of entries) {
    if (!e.isDirectory() || !VERSION_DIR.test(e.name)) continue;
    const version = Number(e.name);
    const file = join(dir, e.name, "model.onnx");
    let info;
    try {
      info = await stat(file);
    } catch {
      continue;
    }
    const sha = (await readOptional(`${file}.sha256`))?.trim().split(/\s+/)[0]?.toLowerCase();
    const baselineText = await readOptional(join(dir, e.name, "baseline.json"));
    const baseline =
      baselineText === undefined ? undefined : (JSON.parse(baselineText) as { features: FeatureBaseline[] }).features;
    found.set(version, {
      version,
      key: sha ?? `${info.size}:${info.mtimeMs}`,
      load: async () => ({ bytes: await loadVerified(file, sha) }),
      baseline,
    });
  }
  if (found.size === 0) return undefined;
  const policyOnly = selectVersions([...found.keys()], { ...config, canary: undefined, shadow: undefined });
  const chosen = selectVersions([...found.keys()], config);
  const defaultVersion = policyOnly[policyOnly.length - 1];
  if (defaultVersion === undefined) return undefined;
  return { name, config, versions: chosen.map((v) => found.get(v) as VersionSpec), defaultVersion };
}

/** A model source over a local directory; `watch` reacts to new version directories. */
export function repositorySource(root: string): ModelSourceDriver {
  return {
    description: `repository ${root}`,
    async scan() {
      const models: ModelSpec[] = [];
      const errors: { model: string; message: string }[] = [];
      const entries = await readdir(root, { withFileTypes: true });
      for (const e of entries) {
        if (!e.isDirectory() || !MODEL_NAME.test(e.name)) continue;
        try {
          const spec = await scanModel(root, e.name);
          if (spec) models.push(spec);
        } catch (error) {
          errors.push({ model: e.name, message: error instanceof Error ? error.message : String(error) });
        }
      }
      models.sort((a, b) => a.name.localeCompare(b.name));
      return { models, errors };
    },
    watch(onChange) {
      try {
        const w = fsWatch(root, { recursive: true }, () => onChange());
        w.on("error", () => undefined);
        return () => w.close();
      } catch {
        return () => undefined; // recursive watch unsupported: polling still applies
      }
    },
    async close() {},
  };
}
