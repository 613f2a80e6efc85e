/**
 * The offline plan: runs the real Pulumi program of this repository (or any Pulumi Node.js project)
 * for one stack under Pulumi mocks, without an Azure account or the Pulumi CLI, and returns every
 * resource it registered.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { PlanResult, PlannedResource } from "./types";

export type { PlanResult, PlannedResource } from "./types";

/** Options of {@link planStack}. */
export interface PlanOptions {
  /** Directory holding `Pulumi.yaml`. Defaults to the repository root (the `ai-platform` project). */
  projectDir?: string;
  /** Kill the program after this many milliseconds. Defaults to 120 000: a plan takes seconds. */
  timeoutMs?: number;
  /**
   * Config values over the stack file's, by key (`namePrefix`, or qualified `project:key`), as
   * `pulumi preview -c key=value` would set them. Defaults to none.
   */
  config?: Readonly<Record<string, string>>;
}

/** The program or its configuration failed; `message` is what the program reported. */
export class PlanError extends Error {
  override name = "PlanError";
}

const repositoryRoot = path.resolve(__dirname, "..", "..");

/** Plans `stack` and returns the whole result: resources and stack outputs. */
export async function planStackResult(stack: string, opts: PlanOptions = {}): Promise<PlanResult> {
  const projectDir = path.resolve(opts.projectDir ?? repositoryRoot);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ai-platform-plan-"));
  const outFile = path.join(dir, "plan.json");
  try {
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          path.join(__dirname, "runner.ts"),
          projectDir,
          stack,
          outFile,
          JSON.stringify(opts.config ?? {}),
        ],
        // The program runs from the project directory, as under `pulumi preview`.
        { cwd: projectDir, stdio: ["ignore", "ignore", "pipe"], timeout: opts.timeoutMs ?? 120_000 },
      );
      let err = "";
      child.stderr.on("data", (chunk: Buffer) => {
        err += chunk.toString();
      });
      child.on("error", reject);
      child.on("close", (exitCode) => resolve({ code: exitCode, stderr: err }));
    });
    const written = fs.existsSync(outFile)
      ? (JSON.parse(fs.readFileSync(outFile, "utf8")) as PlanResult | { error: string })
      : undefined;
    if (written && "error" in written) throw new PlanError(`plan of stack "${stack}" failed: ${written.error}`);
    if (code !== 0 || !written) {
      throw new PlanError(
        `plan of stack "${stack}" failed (exit ${String(code)}): ${stderr.trim().split("\n").slice(-20).join("\n")}`,
      );
    }
    return written;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Plans `stack` (the program of `Pulumi.yaml`'s `main`, config from `Pulumi.<stack>.yaml`,
 * `secure:` values replaced by placeholders) and returns every registered resource in order.
 * Throws {@link PlanError} with the program's message on any program or configuration error.
 */
export async function planStack(stack: string, opts?: PlanOptions): Promise<PlannedResource[]> {
  return (await planStackResult(stack, opts)).resources;
}
