/**
 * The controller container's configuration, from its environment (names in the contracts' `pipelineEnv`): a pure,
 * frozen parse that names every bad variable at once.
 */
import { pipelineEnv } from "@ai-platform/contracts";
import { connectionFromEnv, type PlatformConnection } from "@ai-platform/registry";
import { z } from "zod";

/** What the controller container runs with. */
export interface PipelineConfig {
  readonly connection: PlatformConnection;
  /** DNS name of every inference replica (a headless Service). */
  readonly inferenceHost: string;
  readonly inferencePort: number;
  readonly intervalMs: number;
  readonly metricsPort: number;
}

const port = z.coerce.number().int().min(1).max(65535);
const schema = z.object({
  [pipelineEnv.inferenceHost]: z.string().regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/, "must be a DNS name"),
  [pipelineEnv.inferencePort]: port.default(8080),
  [pipelineEnv.intervalSeconds]: z.coerce.number().int().min(1).default(30),
  [pipelineEnv.metricsPort]: port.default(9464),
});

/** Parses the environment; throws naming every bad or missing variable. */
export function loadPipelineConfig(env: NodeJS.ProcessEnv): PipelineConfig {
  const parsed = schema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  let connection: PlatformConnection | undefined;
  try {
    connection = connectionFromEnv(env);
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  if (!parsed.success || !connection) throw new Error(`pipeline controller configuration: ${problems.join("; ")}`);
  const v = parsed.data;
  return Object.freeze({
    connection,
    inferenceHost: v[pipelineEnv.inferenceHost] as string,
    inferencePort: v[pipelineEnv.inferencePort] as number,
    intervalMs: (v[pipelineEnv.intervalSeconds] as number) * 1000,
    metricsPort: v[pipelineEnv.metricsPort] as number,
  });
}
