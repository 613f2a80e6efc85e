/** `startConsole(config)`: builds the console and listens; `close()` stops it. Used by `npm start` and the image. */
import { buildConsole, type ConsoleDeps } from "./app.js";
import type { ConsoleConfig } from "./config.js";

/** A listening console. */
export interface RunningConsole {
  /** Base URL, `http://<host>:<port>`. */
  url: string;
  close(): Promise<void>;
}

/** Builds the console and listens on `config.host:config.port`. */
export async function startConsole(config: ConsoleConfig, deps: ConsoleDeps = {}): Promise<RunningConsole> {
  const app = await buildConsole(config, deps);
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await app.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  return { url: `http://${host}:${port}`, close: () => app.close() };
}
