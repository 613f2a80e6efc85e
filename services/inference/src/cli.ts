/**
 * `npx ai-platform serve`: serve a Triton-layout directory (`--model-repository`) or models from the registry
 * (`--models name@alias,...`, connection from flags, the environment, then the running local platform).
 */
import { type Command, InvalidArgumentError } from "commander";

interface ServeFlags {
  modelRepository?: string;
  models?: string;
  port: string;
  grpcPort?: string;
  host: string;
  device?: string;
  cpuLimit?: string;
  pollIntervalMs?: string;
  cosmosEndpoint?: string;
  cosmosKey?: string;
  blobEndpoint?: string;
  storageConnectionString?: string;
  dataDir: string;
}

/** Registers `serve` on the root program; the server code loads only when the command runs. */
export function registerServeCommand(program: Command): void {
  program
    .command("serve")
    .description("Serve ONNX models over the Open Inference Protocol (KServe V2 REST, and gRPC with --grpc-port).")
    .option("--model-repository <dir>", "a Triton-layout model repository: <dir>/<model>/<version>/model.onnx")
    .option("--models <list>", "registry models to serve, name@ref[,name@ref] (ref: alias, version or latest)")
    .option("--port <n>", "port to listen on", "8080")
    .option("--grpc-port <n>", "also serve the protocol's gRPC service (inference.GRPCInferenceService) on this port")
    .option("--host <h>", "address to listen on", "127.0.0.1")
    .option("--device <cpu|cuda>", "execution provider (cuda falls back to cpu with a logged reason)")
    .option("--cpu-limit <n>", "CPU cores to size onnxruntime thread pools for (default: detected)")
    .option("--poll-interval-ms <n>", "how often to check for new versions/aliases")
    .option("--cosmos-endpoint <url>", "registry mode: Cosmos DB endpoint")
    .option("--cosmos-key <key>", "registry mode: Cosmos DB emulator key (loopback only)")
    .option("--blob-endpoint <url>", "registry mode: Blob endpoint")
    .option("--storage-connection-string <s>", "registry mode: Azurite connection string (local only)")
    .option("--data-dir <dir>", "local platform state directory", ".platform")
    .action(async (flags: ServeFlags) => {
      if (!flags.modelRepository === !flags.models)
        throw new InvalidArgumentError("pass exactly one of --model-repository <dir> and --models <name@ref,...>");
      const [{ loadConfig }, { runServer }] = await Promise.all([import("./config.js"), import("./server.js")]);
      const env: NodeJS.ProcessEnv = { ...process.env, PORT: flags.port, HOST: flags.host };
      delete env.INFERENCE_MODEL_REPOSITORY;
      delete env.INFERENCE_MODELS;
      if (flags.modelRepository) env.INFERENCE_MODEL_REPOSITORY = flags.modelRepository;
      if (flags.models) env.INFERENCE_MODELS = flags.models;
      if (flags.grpcPort) env.INFERENCE_GRPC_PORT = flags.grpcPort;
      if (flags.device) env.INFERENCE_DEVICE = flags.device;
      if (flags.cpuLimit) env.INFERENCE_CPU_LIMIT = flags.cpuLimit;
      if (flags.pollIntervalMs) env.INFERENCE_POLL_INTERVAL_MS = flags.pollIntervalMs;
      const config = loadConfig(env);
      let connection;
      if (config.source.kind === "registry") {
        const { connectionFromEnv, readLocalPlatform } = await import("@ai-platform/registry");
        if (flags.cosmosEndpoint || flags.blobEndpoint) {
          connection = connectionFromEnv({
            COSMOS_ENDPOINT: flags.cosmosEndpoint,
            COSMOS_KEY: flags.cosmosKey,
            STORAGE_BLOB_ENDPOINT: flags.blobEndpoint,
            STORAGE_CONNECTION_STRING: flags.storageConnectionString,
            COSMOS_DATABASE: env.COSMOS_DATABASE,
          });
        } else if (env.COSMOS_ENDPOINT || env.STORAGE_BLOB_ENDPOINT) {
          connection = connectionFromEnv(env);
        } else {
          connection = readLocalPlatform(flags.dataDir)?.connection;
          if (!connection)
            throw new Error(
              "no registry connection: run `npm start` first, or pass --cosmos-endpoint and --blob-endpoint",
            );
        }
      }
      await runServer(config, { connection });
    });
}
