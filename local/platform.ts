/**
 * `startLocalPlatform`: the platform's data plane on this machine, as `pulumi up` builds it on Azure. Cosmos DB and
 * Blob emulators with the platform's data layout, a production model in the registry (trained on the first start
 * only), and the inference service serving it through the registry with hot reload. Used by `npm start` and the
 * end-to-end test.
 */
import { mkdirSync } from "node:fs";
import type { PipelineController } from "@ai-platform/pipeline";
import type { LocalPlatformState, PlatformConnection } from "@ai-platform/registry";
import { platformDatabaseId } from "../components/data-layout";
import { startLocalConsole } from "./console";
import { startPersistentCosmos } from "./cosmos-server";
import {
  acquireLock,
  assertAzuriteMetadataReadable,
  dataDirLayout,
  readRememberedPorts,
  rememberPorts,
  resetDataDir,
  writePlatformJson,
  type DataDirLayout,
} from "./data-dir";
import { createPlatformData, startAzurite } from "./emulators";
import { exampleRequest, type ExampleRequest } from "./example-request";
import { ensureProductionModel, type BootstrapDataset, type ProductionModel } from "./model-bootstrap";
import { assertPortsFree, explainListenError, type WantedPort } from "./ports";
import { silentProgress, withAbort, type Progress } from "./progress";
import { startLocalPipeline } from "./pipeline";
import { checkExample, startServing } from "./serving";

/** Options of {@link startLocalPlatform}; the CLI flags of `npm start` map one to one. */
export interface LocalPlatformOptions {
  /** Data directory (datasets, registry, artifacts). Default `.platform` in the working directory. */
  dataDir?: string;
  /** Inference port on 127.0.0.1. Default 8080, the port the service has on AKS; `0` picks a free one. */
  port?: number;
  /**
   * Cosmos DB emulator port. Default: the previous run's on this data directory, else a free one. `0` forces a
   * free one.
   */
  cosmosPort?: number;
  /**
   * Blob (Azurite) port. Default: the previous run's, else a free one. Artifact URIs in the registry embed it, so
   * keeping it lets models registered earlier load after a restart.
   */
  blobPort?: number;
  /** Delete the data directory first (explicit: nothing is ever deleted otherwise). Default false. */
  reset?: boolean;
  /** Where progress goes. Default: nowhere. */
  progress?: Progress;
  /** The dataset the first start trains on. Default: the training service's bundled demo dataset (Iris). */
  dataset?: BootstrapDataset;
  /** Aborting it during start stops at the next step and unwinds what already runs (the CLI's Ctrl-C). */
  signal?: AbortSignal;
  /** How often the inference service checks the registry for alias changes, ms. Default 1000 (local: quick). */
  pollIntervalMs?: number;
  /** Console port on 127.0.0.1; `0` picks a free one. Default 8081, or a free one when `port` is `0` (tests). */
  consolePort?: number;
  /** The pipeline controller's pass interval and clock (tests inject both). Default: every 5 s, real time. */
  pipeline?: { intervalMs?: number; clock?: () => number };
}

/** The running platform; `stop()` shuts everything down and keeps the data. */
export interface RunningPlatform {
  /** What `platform.json` holds (pid, startedAt, connection, inferenceUrl). */
  readonly state: LocalPlatformState & { inferenceUrl: string; consoleUrl: string };
  readonly layout: DataDirLayout;
  /** The served model: name, its production version, and whether this start trained it. */
  readonly model: ProductionModel;
  /** A request that works against the served model (checked before `ready`). */
  readonly example: ExampleRequest;
  /** The pipeline controller running the models' pipeline policies (retrain, gate, canary, promote/rollback). */
  readonly pipeline: PipelineController;
  /** Milliseconds from the call to ready. */
  readonly readyMs: number;
  /**
   * The emulators this process runs, for outage tests: `stop()` takes one down (Cosmos DB compacts its journal
   * first), `start()` brings it back on the same port and data, as after an outage of the Azure service.
   */
  readonly emulators: Record<"cosmos" | "blob", { stop(): Promise<void>; start(): Promise<void> }>;
  /** Stops inference, saves Cosmos, stops the emulators, removes `platform.json` and the lock. Idempotent. */
  stop(): Promise<void>;
}

/** Runs `stoppers` in reverse order of start, continuing past failures; returns the first failure, if any. */
async function unwind(stoppers: (() => Promise<void> | void)[]): Promise<unknown> {
  let first: unknown;
  for (const stop of stoppers.reverse()) {
    try {
      await stop();
    } catch (error) {
      first ??= error;
    }
  }
  return first;
}

/** Starts the local platform; see {@link LocalPlatformOptions}. On failure, everything started so far is stopped. */
export async function startLocalPlatform(options: LocalPlatformOptions = {}): Promise<RunningPlatform> {
  const started = Date.now();
  const progress = withAbort(options.progress ?? silentProgress, options.signal);
  const layout = dataDirLayout(options.dataDir);
  const stoppers: (() => Promise<void> | void)[] = [];
  try {
    const lock = acquireLock(layout);
    stoppers.push(() => lock.release());
    if (options.reset) {
      progress.note(`--reset: deleting everything under ${layout.root}`);
      resetDataDir(layout);
    } else if (lock.staleFrom !== undefined) {
      progress.note(`the previous run (pid ${lock.staleFrom}) did not stop cleanly; taking over ${layout.root}`);
    }
    const remembered = readRememberedPorts(layout);
    const cosmosPort: WantedPort = {
      port: options.cosmosPort ?? remembered.cosmos ?? 0,
      purpose: "cosmos",
      flag: "--cosmos-port",
    };
    const blobPort: WantedPort = {
      port: options.blobPort ?? remembered.blob ?? 0,
      // Registered artifact URIs embed the blob endpoint: say so before someone moves it.
      purpose:
        options.blobPort === undefined && remembered.blob !== undefined
          ? "blob, the last run's; models registered so far point at it"
          : "blob",
      flag: "--blob-port",
    };
    const inferencePort: WantedPort = { port: options.port ?? 8080, purpose: "inference", flag: "--port" };
    const consolePort: WantedPort = {
      port: options.consolePort ?? (options.port === 0 ? 0 : 8081),
      purpose: "console",
      flag: "--console-port",
    };
    await assertPortsFree([inferencePort, consolePort, cosmosPort, blobPort]);
    assertAzuriteMetadataReadable(layout);
    // Load the training and inference code while the emulators start (it is most of a warm start's time).
    const preload = Promise.all([import("@ai-platform/training"), import("@ai-platform/inference")]);
    preload.catch(() => undefined);

    let [cosmos, azurite] = await progress.step(
      "Start Cosmos DB and Blob emulators",
      async () => {
        const [c, a] = await Promise.allSettled([
          startPersistentCosmos({ port: cosmosPort.port, snapshotDir: layout.cosmos, dataDir: layout.root }),
          startAzurite({ port: blobPort.port, location: layout.azurite }),
        ]);
        if (c.status === "fulfilled" && a.status === "fulfilled") return [c.value, a.value] as const;
        // One failed: stop the other before reporting, so nothing keeps running (or writing) behind the error.
        if (c.status === "fulfilled") await c.value.stop();
        if (a.status === "fulfilled") await a.value.stop();
        throw c.status === "rejected"
          ? explainListenError(c.reason, cosmosPort)
          : explainListenError((a as PromiseRejectedResult).reason, blobPort);
      },
      ([c]) => (c.restoredDatabases > 0 ? "Cosmos state restored" : "fresh data directory"),
    );
    stoppers.push(
      () => azurite.stop(),
      () => cosmos.stop(),
    );
    rememberPorts(layout, {
      cosmos: Number(new URL(cosmos.endpoint).port),
      blob: Number(new URL(azurite.blobEndpoint).port),
    });

    const connection: PlatformConnection = {
      cosmos: { endpoint: cosmos.endpoint, database: platformDatabaseId, key: cosmos.key },
      storage: { blobEndpoint: azurite.blobEndpoint, connectionString: azurite.connectionString },
    };
    await progress.step("Create databases, containers and blob containers", () =>
      createPlatformData({ cosmos: { endpoint: cosmos.endpoint, key: cosmos.key }, storage: azurite }),
    );

    await progress.step("Load the training and inference services", () => preload);
    mkdirSync(layout.tmp, { recursive: true });
    const model = await ensureProductionModel(connection, {
      progress,
      workDir: layout.tmp,
      ...(options.dataset ? { dataset: options.dataset } : {}),
    });
    const serving = await progress.step(
      `Start the inference service (every model's production version, ${model.name} among them)`,
      () =>
        startServing(connection, {
          port: inferencePort.port,
          // Every model with a production alias: one promoted or registered later answers within the poll interval.
          models: ["*@production"],
          pollIntervalMs: options.pollIntervalMs ?? 1000,
        }).catch((e: unknown) => {
          throw explainListenError(e, inferencePort);
        }),
      (s) => s.url,
    );
    stoppers.push(() => serving.stop());

    const example = exampleRequest(serving.url, model.name, model.version.signature.inputs, model.sampleRow);
    await progress.step(
      "Check the example request",
      () => checkExample(example),
      (r) => r,
    );

    const consoleServer = await progress.step(
      "Start the console",
      () =>
        startLocalConsole(connection, { port: consolePort.port, inferenceUrl: serving.url }).catch((e: unknown) => {
          throw explainListenError(e, consolePort);
        }),
      (c) => c.url,
    );
    stoppers.push(() => consoleServer.stop());

    const pipeline = await progress.step("Start the pipeline controller", () =>
      startLocalPipeline(connection, { inferenceUrl: serving.url, model: model.name, ...options.pipeline }),
    );
    stoppers.push(() => pipeline.stop());

    options.signal?.throwIfAborted();
    const state = {
      pid: process.pid,
      startedAt: new Date(started).toISOString(),
      connection,
      inferenceUrl: serving.url,
      consoleUrl: consoleServer.signInUrl,
    };
    writePlatformJson(layout, state);
    const readyMs = Date.now() - started;
    let stopping: Promise<void> | undefined;
    return {
      state,
      layout,
      model,
      example,
      pipeline: pipeline.controller,
      readyMs,
      emulators: {
        cosmos: {
          stop: () => cosmos.stop(),
          start: async () => {
            const port = Number(new URL(cosmos.endpoint).port);
            cosmos = await startPersistentCosmos({ port, snapshotDir: layout.cosmos, dataDir: layout.root });
          },
        },
        blob: {
          stop: () => azurite.stop(),
          start: async () => {
            const port = Number(new URL(azurite.blobEndpoint).port);
            azurite = await startAzurite({ port, location: layout.azurite });
          },
        },
      },
      stop() {
        stopping ??= unwind(stoppers).then((error) => {
          if (error) throw error;
        });
        return stopping;
      },
    };
  } catch (error) {
    await unwind(stoppers);
    throw error;
  }
}
