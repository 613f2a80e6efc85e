/**
 * The pipeline controller of the local platform: in this process, scraping the local inference service's metrics and
 * acting on the registry, as the controller's pod does on AKS. The first start gives the demo model the example
 * policy, so ingesting shifted data and sending shifted traffic retrains, canaries and promotes by itself.
 */
import { readFileSync } from "node:fs";
import type { PlatformConnection } from "@ai-platform/registry";
import type { PipelineController } from "@ai-platform/pipeline";

/** Options of {@link startLocalPipeline}. */
export interface LocalPipelineOptions {
  /** The local inference service, whose `/metrics` the controller reads. */
  inferenceUrl: string;
  /** The served model; the demo model (`iris`) gets the example policy when it has none. */
  model: string;
  /** Milliseconds between reconcile passes. Default 5000. */
  intervalMs?: number;
  /** The controller clock. Default `Date.now`; tests inject one and call `reconcile()` themselves. */
  clock?: () => number;
}

/** Starts the controller loop; `stop()` ends it and hands back its leases. */
export async function startLocalPipeline(
  connection: PlatformConnection,
  options: LocalPipelineOptions,
): Promise<{ controller: PipelineController; stop(): Promise<void> }> {
  const { PipelineController, openPipelineStore, pipelinePolicyExample, scrapeSignals, setPipelinePolicy } =
    await import("@ai-platform/pipeline");
  if (options.model === "iris") {
    const { store, close } = openPipelineStore(connection);
    const existing = await store.get(options.model).finally(close);
    if (!existing)
      await setPipelinePolicy(connection, options.model, readFileSync(pipelinePolicyExample, "utf8"), {
        actor: "npm-start",
        file: pipelinePolicyExample,
      });
  }
  const controller = await PipelineController.open({
    connection,
    signals: scrapeSignals(() => [options.inferenceUrl]),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  controller.start(options.intervalMs ?? 5000);
  return { controller, stop: () => controller.stop() };
}
