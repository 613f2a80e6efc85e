/** The flags, connection and output helpers every training command shares. */
import { userInfo } from "node:os";
import type { Command } from "commander";
import type { ConnectionFlags } from "./platform.js";

export interface Out {
  json: boolean;
}

export function actor(): string {
  try {
    return process.env.AI_PLATFORM_ACTOR || process.env.USER || userInfo().username;
  } catch {
    return "unknown";
  }
}

export function withConnection(cmd: Command): Command {
  return cmd
    .option(
      "--cosmos-endpoint <url>",
      "Cosmos DB endpoint (default: $COSMOS_ENDPOINT, then the running local platform)",
    )
    .option("--cosmos-key <key>", "Cosmos DB key: local emulator only (Azure uses Entra ID)")
    .option("--cosmos-database <id>", "Cosmos DB database", "ai-platform")
    .option("--blob-endpoint <url>", "Blob endpoint (default: $STORAGE_BLOB_ENDPOINT, then the running local platform)")
    .option("--storage-connection-string <cs>", "Blob connection string: Azurite only (Azure uses Entra ID)")
    .option("--data-dir <dir>", "local platform state directory", ".platform");
}

export async function connect(flags: ConnectionFlags) {
  const { resolveConnection } = await import("./platform.js");
  return resolveConnection(flags, process.env);
}

/** Prints a result: JSON when asked or when stdout is not a terminal, otherwise the human line. */
export function print(o: Out, value: unknown, human: string): void {
  console.log(o.json || !process.stdout.isTTY ? JSON.stringify(value, null, o.json ? 2 : 0) : human);
}

/** Structured progress: JSON lines on stderr when not on a terminal. */
export function logEvent(event: Record<string, unknown>): void {
  if (!process.stderr.isTTY) console.error(JSON.stringify({ time: new Date().toISOString(), ...event }));
}

export function int(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n)) throw new Error(`${name}: "${v}" is not an integer`);
    return n;
  };
}

export function list(v: string): string[] {
  return v
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}
