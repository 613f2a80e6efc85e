/**
 * The inference image as its Dockerfile builds it, without a Docker engine: the Dockerfile is replayed stage by
 * stage (production install, onnxruntime pruning, tsc compile, the runtime stage's COPY steps), then the runtime
 * tree is made root-owned and read-only and started as uid 1000 with the image's ENV and ENTRYPOINT, and it
 * answers one inference. The Application Insights distro is switched on, so its deduplicated OpenTelemetry
 * packages load too.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replayImage, type ReplayedImage } from "../../tools/images/replay";
import { IMAGE_UID, freePort, sealImageTree, startInferenceImage, type RunningImage } from "../../tools/images/run";
import { addOffset } from "../support/onnx-models";

const root = path.join(__dirname, "..", "..");
/** The image's dependency budget (node_modules of the runtime tree). */
const DEPENDENCY_BUDGET_BYTES = 250e6;

let work = "";
let image: ReplayedImage;
let server: RunningImage | undefined;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "image-"));
  fs.chmodSync(work, 0o755);
  image = replayImage({
    context: root,
    dockerfile: "services/inference/Dockerfile",
    workDir: path.join(work, "build"),
    runEnv: { TSC_HOME: path.join(root, "node_modules") },
  });
  sealImageTree(image.appDir);
  const models = path.join(work, "models");
  fs.mkdirSync(path.join(models, "add", "1"), { recursive: true });
  fs.writeFileSync(path.join(models, "add", "1", "model.onnx"), addOffset(5));
  spawnSync("chmod", ["-R", "a+rX", models]);
  server = await startInferenceImage(image, {
    INFERENCE_GRPC_PORT: String(await freePort()),
    INFERENCE_MODEL_REPOSITORY: models,
    APPLICATIONINSIGHTS_CONNECTION_STRING:
      "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/",
    LOG_LEVEL: "warn",
  });
}, 600_000);

afterAll(async () => {
  await server?.stop();
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
    const res = await fetch(`${server!.url}/v2/models/add/infer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ inputs: [{ name: "x", datatype: "FP32", shape: [1, 2], data: [1, 2] }] }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { outputs: { name: string; data: number[] }[] };
    expect(body.outputs[0]).toMatchObject({ name: "y", data: [6, 7] });
  });
});
