/** The console container's entry: configuration from the environment, listen, drain on SIGTERM. */
import { loadConsoleConfig } from "./config.js";
import { startConsole } from "./server.js";

const running = await startConsole(loadConsoleConfig(process.env));
process.stdout.write(`console listening on ${running.url}\n`);
for (const signal of ["SIGTERM", "SIGINT"] as const)
  process.once(signal, () => void running.close().then(() => process.exit(0)));
