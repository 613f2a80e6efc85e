/**
 * `npx ai-platform start | status | stop`: the local platform's commands. Implementations load lazily so `--help`
 * stays fast.
 */
import { type Command, InvalidArgumentError } from "commander";
import type { RunningPlatform } from "./platform";

function portOption(flag: string): (value: string) => number {
  return (value) => {
    const port = Number(value);
    if (!/^\d+$/.test(value) || port > 65535)
      throw new InvalidArgumentError(`${flag} must be a port number from 0 to 65535`);
    return port;
  };
}

/** The text `npm start` prints once the platform is ready. */
export function readyMessage(platform: RunningPlatform): string {
  const { state, model, example } = platform;
  return [
    "",
    `The AI platform runs on this machine: ready in ${(platform.readyMs / 1000).toFixed(1)}s ` +
      `(${process.uptime().toFixed(1)}s since the command started; ${model.trained ? "model trained on first start" : "existing production model, no training"}).`,
    `  Inference   ${state.inferenceUrl}   Open Inference Protocol v2; serving ${model.name}@production = v${model.version.version}`,
    `  Console     ${state.consoleUrl}   open it to see models, data and serving, and to promote (the link signs you in)`,
    `  Cosmos DB   ${state.connection.cosmos.endpoint}   emulator, database ${state.connection.cosmos.database}`,
    `  Blob        ${state.connection.storage.blobEndpoint}   Azurite`,
    `  Data        ${platform.layout.root}`,
    `  Pipeline    retrain on drift or new data, gate, canary, promote or roll back by itself   npx ai-platform pipeline status ${model.name}`,
    "",
    "Try it:",
    `  ${example.curl}`,
    "",
    "In another terminal: npx ai-platform status | models | ingest | train | promote | score  (they use this platform)",
    "Press Ctrl-C to stop.",
    "",
  ].join("\n");
}

async function start(opts: {
  dataDir: string;
  port: number;
  consolePort: number;
  cosmosPort?: number;
  blobPort?: number;
  reset?: boolean;
}): Promise<void> {
  const [{ startLocalPlatform }, { progressFor }] = await Promise.all([
    import("./platform.js"),
    import("./progress.js"),
  ]);
  // Signals are handled from the first moment: during start they abort at the next step and unwind.
  const starting = new AbortController();
  let platform: RunningPlatform | undefined;
  let stopped!: () => void;
  let failed!: (error: unknown) => void;
  const done = new Promise<void>((resolve, reject) => ((stopped = resolve), (failed = reject)));
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.stderr.write(`\n${signal} again: exiting without a clean stop\n`);
      process.exit(130);
    }
    stopping = true;
    if (!platform) {
      process.stderr.write(`\n${signal}: cancelling the start…\n`);
      starting.abort(new Error(`start cancelled by ${signal}`));
      return;
    }
    process.stderr.write(`\n${signal}: stopping (inference, Cosmos snapshot, emulators)…\n`);
    const { root } = platform.layout;
    platform.stop().then(() => {
      process.stderr.write(`Stopped. Data kept in ${root}\n`);
      stopped();
    }, failed);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    platform = await startLocalPlatform({
      dataDir: opts.dataDir,
      port: opts.port,
      consolePort: opts.consolePort,
      cosmosPort: opts.cosmosPort,
      blobPort: opts.blobPort,
      reset: opts.reset ?? false,
      progress: progressFor(process.stderr),
      signal: starting.signal,
    });
  } catch (error) {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    throw error;
  }
  process.stdout.write(readyMessage(platform));
  if (!process.stderr.isTTY) {
    const { readyMs, state, model } = platform;
    process.stderr.write(
      `${JSON.stringify({ ready: true, readyMs, inferenceUrl: state.inferenceUrl, consoleUrl: state.consoleUrl, model: model.name, version: model.version.version })}\n`,
    );
  }
  await done;
}

async function status(opts: { dataDir: string; json?: boolean }): Promise<void> {
  const { localStatus, formatStatus } = await import("./status.js");
  const result = await localStatus(opts.dataDir);
  process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatStatus(result)}\n`);
}

async function stop(opts: { dataDir: string; timeout: string }): Promise<void> {
  const { dataDirLayout, readPlatformJson } = await import("./data-dir.js");
  const { existsSync } = await import("node:fs");
  const { isProcessAlive } = await import("./files.js");
  const layout = dataDirLayout(opts.dataDir);
  const found = readPlatformJson(layout);
  if (found.kind !== "running") {
    process.stdout.write(`Nothing to stop: the local platform is not running on ${layout.root}.\n`);
    return;
  }
  process.kill(found.state.pid, "SIGTERM");
  const deadline = Date.now() + Number(opts.timeout) * 1000;
  // The platform removes its lock as the last step of a clean stop, then exits.
  const running = (): boolean => existsSync(layout.lock) || isProcessAlive(found.state.pid);
  while (running() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (running()) throw new Error(`pid ${found.state.pid} did not stop within ${opts.timeout}s`);
  process.stdout.write(`Stopped the local platform (pid ${found.state.pid}).\n`);
}

/** Registers `start`, `status` and `stop` on the root program. */
export function registerLocalCommands(program: Command): void {
  program
    .command("start")
    .description(
      "Run the whole platform on this machine: emulators, a trained production model, the inference service.",
    )
    .option("--data-dir <dir>", "where datasets, registry and artifacts persist", ".platform")
    .option("--port <port>", "inference port on 127.0.0.1 (0 = a free one)", portOption("--port"), 8080)
    .option("--console-port <port>", "console port on 127.0.0.1 (0 = a free one)", portOption("--console-port"), 8081)
    .option(
      "--cosmos-port <port>",
      "Cosmos DB emulator port (default: the last run's, else a free one)",
      portOption("--cosmos-port"),
    )
    .option(
      "--blob-port <port>",
      "Blob (Azurite) port (default: the last run's, else a free one)",
      portOption("--blob-port"),
    )
    .option("--reset", "delete the data directory first and start from scratch")
    .action(start);
  program
    .command("status")
    .description("Show what the local platform runs, where, and which models and aliases it has.")
    .option("--data-dir <dir>", "the platform's data directory", ".platform")
    .option("--json", "machine-readable output")
    .action(status);
  program
    .command("stop")
    .description("Stop the local platform started by `npm start` in another terminal (as Ctrl-C there would).")
    .option("--data-dir <dir>", "the platform's data directory", ".platform")
    .option("--timeout <seconds>", "how long to wait for a clean stop", "30")
    .action(stop);
}
