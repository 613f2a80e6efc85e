/**
 * `npm run bench -- images`: replays each service Dockerfile without Docker (tools/images/replay.ts), then reports
 * what the image adds on top of its Node base image (dependencies and code) and, for inference, start to ready
 * with a small model, run as uid 1000 on read-only code (median of several starts).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { replayImage } from "../tools/images/replay";
import { IMAGE_UID, freePort, sealImageTree, startInferenceImage } from "../tools/images/run";
import { addOffset } from "../test/support/onnx-models";

const root = path.join(__dirname, "..");
const STARTS = 5;
const MB = 1e6;

interface ImageRow {
  image: string;
  dependenciesMB: number;
  totalMB: number;
  budgetMB: number;
  startToReadyMs?: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Replays both images, measures them, and writes images.md / images.json to `outDir`. */
export async function runImagesBench(opts: { outDir: string }): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "bench-images-"));
  fs.chmodSync(work, 0o755);
  const rows: ImageRow[] = [];
  try {
    for (const [name, dockerfile] of [
      ["inference (CPU)", "services/inference/Dockerfile"],
      ["training", "services/training/Dockerfile"],
    ] as const) {
      const image = replayImage({
        context: root,
        dockerfile,
        workDir: path.join(work, name.split(" ")[0]!),
        runEnv: { TSC_HOME: path.join(root, "node_modules") },
      });
      sealImageTree(image.appDir);
      const row: ImageRow = {
        image: name,
        dependenciesMB: image.dependencyBytes / MB,
        totalMB: image.totalBytes / MB,
        budgetMB: 250,
      };
      if (dockerfile.includes("inference")) row.startToReadyMs = await startToReady(image, work);
      else checkTrainingStarts(image);
      rows.push(row);
    }
  } finally {
    spawnSync("chmod", ["-R", "u+w", work]);
    fs.rmSync(work, { recursive: true, force: true });
  }
  const table = [
    `Image replay (${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)})`,
    "",
    "| image | dependencies (MB) | dependencies + code (MB) | budget (MB) | start → ready, small model (ms, median of 5) |",
    "|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.image} | ${r.dependenciesMB.toFixed(0)} | ${r.totalMB.toFixed(0)} | ${r.budgetMB} | ${r.startToReadyMs === undefined ? "n/a (a job, not a server)" : r.startToReadyMs.toFixed(0)} |`,
    ),
  ].join("\n");
  fs.mkdirSync(opts.outDir, { recursive: true });
  fs.writeFileSync(path.join(opts.outDir, "images.md"), `${table}\n`);
  fs.writeFileSync(path.join(opts.outDir, "images.json"), JSON.stringify(rows, null, 2));
  console.log(table);
}

async function startToReady(image: ReturnType<typeof replayImage>, work: string): Promise<number> {
  const models = path.join(work, "models");
  fs.mkdirSync(path.join(models, "add", "1"), { recursive: true });
  fs.writeFileSync(path.join(models, "add", "1", "model.onnx"), addOffset(1));
  spawnSync("chmod", ["-R", "a+rX", models]);
  const times: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    const server = await startInferenceImage(image, {
      INFERENCE_GRPC_PORT: String(await freePort()),
      INFERENCE_MODEL_REPOSITORY: models,
      LOG_LEVEL: "warn",
    });
    times.push(server.readyMs);
    await server.stop();
  }
  return median(times);
}

/** The training image must at least start its compiled CLI as uid 1000. */
function checkTrainingStarts(image: ReturnType<typeof replayImage>): void {
  const run = spawnSync(process.execPath, [...image.entrypoint.slice(1), "--help"], {
    cwd: image.appDir,
    uid: IMAGE_UID,
    gid: IMAGE_UID,
    env: { PATH: process.env.PATH, ...image.env },
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`the training image did not start: ${run.stderr}`);
}
