/**
 * The container entry (`node dist/main.js`, compiled by tsc; `npx ai-platform serve` runs the source):
 * configuration from the environment, the registry connection from COSMOS_ENDPOINT/STORAGE_BLOB_ENDPOINT
 * (Entra ID through workload identity), then serve.
 */
import { loadConfig } from "./config.js";
import { runServer } from "./server.js";

try {
  const config = loadConfig(process.env);
  // The registry client (the Azure SDKs, about a second to load) only when models come from the registry, so a
  // model repository starts in well under two seconds.
  const connection =
    config.source.kind === "registry"
      ? (await import("@ai-platform/registry")).connectionFromEnv(process.env)
      : undefined;
  await runServer(config, { connection });
} catch (error) {
  console.error(
    JSON.stringify({
      level: 60,
      msg: "inference server failed to start",
      err: error instanceof Error ? error.message : String(error),
    }),
  );
  process.exit(1);
}
