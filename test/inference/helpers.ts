/** Test helpers: Triton-layout repositories in temp dirs and apps built over them (never listening unless asked). */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { build, type InferenceDeps } from "../../services/inference/src/app";
import { loadConfig } from "../../services/inference/src/config";

/** One model in a test repository: its versions' bytes and an optional config.json object. */
export interface RepoModel {
  config?: Record<string, unknown>;
  versions: Record<number, Uint8Array>;
  /** Write `model.onnx.sha256` next to each version. */
  withSha?: boolean;
}

/** Creates `<tmp>/<model>/<version>/model.onnx` (+ config.json); returns the repository path. */
export function makeRepo(models: Record<string, RepoModel>): string {
  const root = mkdtempSync(join(tmpdir(), "inference-repo-"));
  for (const [name, m] of Object.entries(models)) addModel(root, name, m);
  return root;
}

/** Adds (or overwrites) a model's files in a repository. */
export function addModel(root: string, name: string, m: RepoModel): void {
  mkdirSync(join(root, name), { recursive: true });
  if (m.config) writeFileSync(join(root, name, "config.json"), JSON.stringify(m.config));
  for (const [v, bytes] of Object.entries(m.versions))
    addVersion(root, name, Number(v), bytes, m.withSha ? createHash("sha256").update(bytes).digest("hex") : undefined);
}

/** Writes one version's model.onnx (and its sha256 file when given). */
export function addVersion(root: string, name: string, version: number, bytes: Uint8Array, sha256?: string): void {
  mkdirSync(join(root, name, String(version)), { recursive: true });
  writeFileSync(join(root, name, String(version), "model.onnx"), bytes);
  if (sha256) writeFileSync(join(root, name, String(version), "model.onnx.sha256"), `${sha256}  model.onnx\n`);
}

/** Removes a repository. */
export function removeRepo(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

/** Builds the app over `repo` with models loaded (no polling), quiet logs; extra env overrides the defaults. */
export async function buildApp(
  repo: string,
  env: Record<string, string> = {},
  deps: InferenceDeps = {},
): Promise<FastifyInstance> {
  const config = loadConfig({
    INFERENCE_MODEL_REPOSITORY: repo,
    INFERENCE_CPU_LIMIT: "1",
    HOST: "127.0.0.1",
    PORT: "0",
    ...env,
  });
  const app = await build(config, { autoSync: false, logger: false, ...deps });
  await app.ready();
  await app.models.sync();
  return app;
}

/** POSTs an inference request through inject and returns status + parsed JSON. */
export async function infer(
  app: FastifyInstance,
  model: string,
  body: unknown,
  version?: string,
): Promise<{ status: number; json: any }> {
  const url = version ? `/v2/models/${model}/versions/${version}/infer` : `/v2/models/${model}/infer`;
  const res = await app.inject({ method: "POST", url, payload: body as object });
  return { status: res.statusCode, json: res.json() };
}
