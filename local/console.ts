/**
 * The console of the local platform: `@ai-platform/console` in this process on 127.0.0.1, reading the same registry
 * and datasets, and the inference service's metrics. Acting needs the operator token in the printed sign-in link;
 * without it the console is read-only.
 */
import { randomBytes } from "node:crypto";
import { userInfo } from "node:os";
import type { PlatformConnection } from "@ai-platform/registry";

/** A running local console. */
export interface LocalConsole {
  /** Base URL, `http://127.0.0.1:<port>` (read-only without signing in). */
  url: string;
  /** The operator sign-in link: `<url>/sign-in?token=…`. */
  signInUrl: string;
  stop(): Promise<void>;
}

/** Starts the console on 127.0.0.1:`port` (0 = a free one) for `connection` and the inference service at `inferenceUrl`. */
export async function startLocalConsole(
  connection: PlatformConnection,
  options: { port: number; inferenceUrl: string; metricsIntervalMs?: number },
): Promise<LocalConsole> {
  const { startConsole } = await import("@ai-platform/console");
  const operatorToken = randomBytes(24).toString("base64url");
  const running = await startConsole({
    host: "127.0.0.1",
    port: options.port,
    connection,
    inferenceUrl: options.inferenceUrl,
    metricsIntervalMs: options.metricsIntervalMs ?? 5000,
    access: { kind: "token", operatorToken, actor: `console:${userInfo().username}` },
    logLevel: "warn",
  });
  return { url: running.url, signInUrl: `${running.url}/sign-in?token=${operatorToken}`, stop: () => running.close() };
}
