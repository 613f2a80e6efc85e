/**
 * The controller container's entry point: reconcile every model's pipeline policy every interval, read the inference
 * replicas' metrics through their headless Service, serve the controller's own `/metrics` (the stuck-rollout alert)
 * and `/healthz`, and on SIGTERM finish the pass in flight and hand back the leases.
 */
import { resolve4 } from "node:dns/promises";
import { createServer } from "node:http";
import { loadPipelineConfig } from "./config.js";
import { PipelineController } from "./controller.js";
import { scrapeSignals } from "./signals.js";

const config = loadPipelineConfig(process.env);
const log = (event: Record<string, unknown>): void =>
  console.log(JSON.stringify({ time: new Date().toISOString(), ...event }));
const controller = await PipelineController.open({
  connection: config.connection,
  // Every replica, resolved on each read: a decision must see the canary's errors wherever they happened.
  signals: scrapeSignals(async () =>
    (await resolve4(config.inferenceHost)).map((ip) => `http://${ip}:${config.inferencePort}`),
  ),
  log,
});
const server = createServer((request, response) => {
  if (request.url === "/metrics") {
    void controller.metrics.registry.metrics().then((text) => {
      response.writeHead(200, { "content-type": controller.metrics.registry.contentType }).end(text);
    });
  } else if (request.url === "/healthz") response.writeHead(200).end("ok");
  else response.writeHead(404).end();
});
server.listen(config.metricsPort, "0.0.0.0");
controller.start(config.intervalMs);
log({ event: "started", holder: controller.holder, intervalMs: config.intervalMs });

process.once("SIGTERM", () => {
  server.close();
  void controller.stop().then(() => log({ event: "stopped" }));
});
