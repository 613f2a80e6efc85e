/**
 * Test access to the local emulators: one call starts Cosmos DB and Azurite on random 127.0.0.1 ports in a fresh
 * temporary directory, creates the platform's database, containers and blob containers, and hands back the
 * connection every service takes. Always pair with `stop()` (or use `useEmulators()` inside a `describe`).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { createPlatformData, startAzurite, startCosmosEmulator } from "../../local/emulators";
import { platformDatabaseId } from "../../components/data-layout";

/** The connection shape of `@ai-platform/registry`'s `PlatformConnection`, filled for the emulators. */
export interface EmulatorConnection {
  cosmos: { endpoint: string; database: string; key: string };
  storage: { blobEndpoint: string; connectionString: string };
}

/** Running emulators with the platform data created. */
export interface TestEmulators {
  conn: EmulatorConnection;
  /** The temporary directory Azurite persists into (removed by `stop`). */
  dir: string;
  stop(): Promise<void>;
}

/** Starts both emulators and creates the platform's data layout in them. */
export async function startEmulators(): Promise<TestEmulators> {
  const dir = mkdtempSync(join(tmpdir(), "ai-platform-test-"));
  const cosmos = await startCosmosEmulator({ port: 0 });
  const azurite = await startAzurite({ port: 0, location: dir }).catch(async (error: unknown) => {
    await cosmos.stop();
    throw error;
  });
  const conn: EmulatorConnection = {
    cosmos: { endpoint: cosmos.endpoint, database: platformDatabaseId, key: cosmos.key },
    storage: { blobEndpoint: azurite.blobEndpoint, connectionString: azurite.connectionString },
  };
  const stop = async (): Promise<void> => {
    await Promise.all([cosmos.stop(), azurite.stop()]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await createPlatformData(conn);
  } catch (error) {
    await stop();
    throw error;
  }
  return { conn, dir, stop };
}

/**
 * Starts the emulators before the enclosing suite and stops them after it. Read `.conn` only inside tests/hooks.
 */
export function useEmulators(): { readonly conn: EmulatorConnection; readonly dir: string } {
  let running: TestEmulators | undefined;
  beforeAll(async () => {
    running = await startEmulators();
  });
  afterAll(async () => {
    await running?.stop();
  });
  return {
    get conn() {
      if (!running) throw new Error("emulators not started: read conn inside a test or hook");
      return running.conn;
    },
    get dir() {
      if (!running) throw new Error("emulators not started: read dir inside a test or hook");
      return running.dir;
    },
  };
}
