/**
 * Runs a replayed image tree the way the container runtime would: root-owned read-only code, the image's ENV and
 * ENTRYPOINT, as uid 1000 (the `node` user of the base image), with the host's Node standing in for the image's.
 */
import { spawn, spawnSync } from "node:child_process";
import * as net from "node:net";
import type { ReplayedImage } from "./replay";

/** The uid (and gid) the images run as. */
export const IMAGE_UID = 1000;

/** A started inference image. */
export interface RunningImage {
  url: string;
  /** Milliseconds from spawn to `/v2/health/ready` answering 200. */
  readyMs: number;
  /** Everything the process printed so far. */
  log(): string;
  /** SIGTERM, then wait for the exit. */
  stop(): Promise<void>;
}

/** Makes the tree root-owned and read-only to everyone else, as the images' `COPY --chown=root:root` does. */
export function sealImageTree(appDir: string): void {
  spawnSync("chown", ["-R", "root:root", appDir]);
  spawnSync("chmod", ["-R", "a-w,a+rX", appDir]);
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/** Starts the inference image on loopback with `env` added, and resolves once it reports ready. */
export async function startInferenceImage(image: ReplayedImage, env: Record<string, string>): Promise<RunningImage> {
  const [command, ...args] = image.entrypoint;
  if (command !== "node") throw new Error(`the image's ENTRYPOINT starts ${command}, not node`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: image.appDir,
    uid: IMAGE_UID,
    gid: IMAGE_UID,
    env: { PATH: process.env.PATH, ...image.env, HOST: "127.0.0.1", PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };
  // Poll readiness: bounded (60 s), ends early if the process dies.
  for (let attempt = 0; attempt < 6000; attempt++) {
    if (child.exitCode !== null) throw new Error(`the image exited with ${child.exitCode}:\n${output}`);
    const ok = await fetch(`${url}/v2/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, readyMs: performance.now() - started, log: () => output, stop };
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await stop();
  throw new Error(`${url}/v2/health/ready never answered 200:\n${output}`);
}
