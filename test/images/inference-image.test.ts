/**
 * The inference image as its Dockerfile builds it, without a Docker engine: the Dockerfile is replayed stage by
 * stage (production install, onnxruntime pruning, tsc compile, the runtime stage's COPY steps), then the runtime
 * tree is made root-owned and read-only and started as uid 1000 with the image's ENV and ENTRYPOINT, and it
 * answers one inference. The Application Insights distro is switched on, so its deduplicated OpenTelemetry
 * packages load too.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replayImage, type ReplayedImage } from "../../tools/images/replay";
import { addOffset } from "../support/onnx-models";

const root = path.join(__dirname, "..", "..");
const IMAGE_UID = 1000;
/** The image's dependency budget (node_modules of the runtime tree). */
const DEPENDENCY_BUDGET_BYTES = 250e6;

let work = "";
let image: ReplayedImage;
let server: ChildProcess | undefined;
let port = 0;
let serverLog = "";

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const { port: p } = srv.address() as net.AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return p;
}

async function waitReady(url: string, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    if (child.exitCode !== null) throw new Error(`the image exited with ${child.exitCode}:\n${serverLog}`);
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${url} never became ready`);
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "image-"));
  fs.chmodSync(work, 0o755);
  image = replayImage({
    context: root,
    dockerfile: "services/inference/Dockerfile",
    workDir: path.join(work, "build"),
    runEnv: { TSC_HOME: path.join(root, "node_modules") },
  });
  // The image's code is root-owned and read-only to the process.
  spawnSync("chmod", ["-R", "a-w,a+rX", image.appDir]);
  const models = path.join(work, "models");
  fs.mkdirSync(path.join(models, "add", "1"), { recursive: true });
  fs.writeFileSync(path.join(models, "add", "1", "model.onnx"), addOffset(5));
  spawnSync("chmod", ["-R", "a+rX", models]);

  port = await freePort();
  const [command, ...args] = image.entrypoint;
  expect(command).toBe("node");
  server = spawn(process.execPath, args, {
    cwd: image.appDir,
    uid: IMAGE_UID,
    gid: IMAGE_UID,
    env: {
      PATH: process.env.PATH,
      ...image.env,
      HOST: "127.0.0.1",
      PORT: String(port),
      INFERENCE_GRPC_PORT: String(await freePort()),
      INFERENCE_MODEL_REPOSITORY: models,
      APPLICATIONINSIGHTS_CONNECTION_STRING:
        "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout!.on("data", (d: Buffer) => (serverLog += d.toString()));
  server.stderr!.on("data", (d: Buffer) => (serverLog += d.toString()));
  await waitReady(`http://127.0.0.1:${port}/v2/health/ready`, server);
}, 600_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server!.once("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  }
  if (work) {
    spawnSync("chmod", ["-R", "u+w", work]);
    fs.rmSync(work, { recursive: true, force: true });
  }
}, 600_000);

describe("the inference image, replayed from its Dockerfile", () => {
  it("holds compiled JavaScript and production dependencies only, within the size budget", () => {
    const dist = path.join(image.appDir, "services", "inference", "dist");
    expect(fs.existsSync(path.join(dist, "main.js"))).toBe(true);
    expect(fs.existsSync(path.join(image.appDir, "services", "inference", "src"))).toBe(false);
    for (const devOnly of ["tsx", "typescript", "vitest", "azurite", "@pulumi/pulumi"])
      expect(fs.existsSync(path.join(image.appDir, "node_modules", devOnly)), devOnly).toBe(false);
    const ortBinaries = path.join(image.appDir, "node_modules", "onnxruntime-node", "bin", "napi-v6");
    expect(fs.readdirSync(ortBinaries)).toEqual([process.platform]);
    expect(fs.readdirSync(path.join(ortBinaries, process.platform))).toEqual([process.arch]);
    expect(image.dependencyBytes).toBeLessThanOrEqual(DEPENDENCY_BUDGET_BYTES);
  });

  it("runs as uid 1000, which cannot write its own code", () => {
    const probe = spawnSync(
      process.execPath,
      ["-e", "require('fs').writeFileSync('services/inference/dist/x.js', '')"],
      { cwd: image.appDir, uid: IMAGE_UID, gid: IMAGE_UID, encoding: "utf8" },
    );
    expect(probe.status).not.toBe(0);
    expect(probe.stderr).toContain("EACCES");
  });

  it("answers an inference", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/v2/models/add/infer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ inputs: [{ name: "x", datatype: "FP32", shape: [1, 2], data: [1, 2] }] }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { outputs: { name: string; data: number[] }[] };
    expect(body.outputs[0]).toMatchObject({ name: "y", data: [6, 7] });
  });
});
