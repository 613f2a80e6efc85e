/**
 * The durable emulators (Cosmos DB and Azurite) alone, in a process of their own, on one data directory:
 * `node --import tsx local/emulator-host.ts <dataDir> [cosmosPort] [blobPort]`. `AI_PLATFORM_COSMOS_DURABILITY`
 * (`fsync`, the default; `no-fsync`; `memory`) exists to measure what durability costs. Prints one JSON line with the
 * endpoints once both listen, then runs until killed. Crash tests and the crash benchmark kill it with SIGKILL and
 * start it again on the same directory, which is what a crash of `npm start` does to the data plane.
 */
import { startAzurite } from "./emulators";
import { startCosmosEmulator, startPersistentCosmos } from "./cosmos-server";
import { dataDirLayout } from "./data-dir";

/** The line the host prints once it listens. */
export interface EmulatorHostReady {
  pid: number;
  cosmos: { endpoint: string; key: string };
  storage: { blobEndpoint: string; connectionString: string };
}

async function main(): Promise<void> {
  const [dataDir, cosmosPort, blobPort] = process.argv.slice(2);
  if (!dataDir) throw new Error("usage: emulator-host <dataDir> [cosmosPort] [blobPort]");
  const layout = dataDirLayout(dataDir);
  const durability = process.env.AI_PLATFORM_COSMOS_DURABILITY ?? "fsync";
  const port = Number(cosmosPort ?? 0);
  const cosmos =
    durability === "memory"
      ? await startCosmosEmulator({ port })
      : await startPersistentCosmos({
          port,
          snapshotDir: layout.cosmos,
          dataDir: layout.root,
          fsync: durability !== "no-fsync",
        });
  const azurite = await startAzurite({ port: Number(blobPort ?? 0), location: layout.azurite });
  const ready: EmulatorHostReady = {
    pid: process.pid,
    cosmos: { endpoint: cosmos.endpoint, key: cosmos.key },
    storage: { blobEndpoint: azurite.blobEndpoint, connectionString: azurite.connectionString },
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  const stop = (): void => {
    void Promise.all([cosmos.stop(), azurite.stop()]).then(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
