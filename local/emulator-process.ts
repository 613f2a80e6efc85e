/**
 * Starts `emulator-host.ts` as a child process and hands back its endpoints, so a test or benchmark can crash the
 * data plane with SIGKILL (or stop it for an outage) and start it again on the same data directory.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { EmulatorHostReady } from "./emulator-host";

/** A running emulator host process. */
export interface EmulatorProcess extends EmulatorHostReady {
  /** Kills the process with `signal` (default SIGKILL: a crash) and waits until it is gone. Idempotent. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** What the process wrote to stderr so far (startup errors, journal reports). */
  stderr(): string;
}

/** Options of {@link startEmulatorProcess}. */
export interface EmulatorProcessOptions {
  /** Ports to listen on; `0` (default) picks free ones. Reuse the previous ones to keep artifact URIs valid. */
  cosmosPort?: number;
  blobPort?: number;
  /**
   * `fsync` (default: the journal is flushed before each answer), `no-fsync` (journal without fsync) or `memory`
   * (no journal; the emulator tests use). The last two exist to measure what durability costs.
   */
  durability?: "fsync" | "no-fsync" | "memory";
}

/** Starts the emulators on `dataDir` in a child process; rejects with its stderr if it exits before listening. */
export function startEmulatorProcess(dataDir: string, opts: EmulatorProcessOptions = {}): Promise<EmulatorProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(__dirname, "emulator-host.ts"),
      dataDir,
      String(opts.cosmosPort ?? 0),
      String(opts.blobPort ?? 0),
    ],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, AI_PLATFORM_COSMOS_DURABILITY: opts.durability ?? "fsync" },
    },
  );
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise<EmulatorProcess>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once("line", (line) => {
      const ready = JSON.parse(line) as EmulatorHostReady;
      resolve({
        ...ready,
        async kill(signal: NodeJS.Signals = "SIGKILL") {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          await exited;
        },
        stderr: () => stderr,
      });
    });
    void exited.then(() => reject(new Error(`the emulator host exited before listening: ${stderr.trim()}`)));
  });
}
