/**
 * Replays an image's Dockerfile on a machine without a Docker engine: every stage becomes a folder, COPY copies
 * from the repository (the build context) or an earlier stage, RUN runs in the stage's working directory, and the
 * last stage's tree is what the image would hold. Base images contribute nothing (the host's Node runs the
 * result), so the sizes measured are what the image adds on top of `node:24-bookworm-slim`.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseDockerfile, type Stage } from "./dockerfile";

/** What a replay produced: the runtime tree and how the image would start. */
export interface ReplayedImage {
  /** The final stage's working directory: what `WORKDIR` holds in the image. */
  appDir: string;
  /** The final stage's ENV. */
  env: Record<string, string>;
  /** The final stage's ENTRYPOINT. */
  entrypoint: string[];
  /** Bytes under every node_modules folder of the runtime tree (the image's dependencies). */
  dependencyBytes: number;
  /** Bytes of the whole runtime tree. */
  totalBytes: number;
}

/** Options for {@link replayImage}. */
export interface ReplayOptions {
  /** The repository root (the build context). */
  context: string;
  /** The Dockerfile, relative to the context. */
  dockerfile: string;
  /** An empty folder to build the stages in. */
  workDir: string;
  /** Extra environment for RUN steps (the replay passes TSC_HOME so compiling needs no download). */
  runEnv?: Record<string, string>;
}

/** Replays `dockerfile` stage by stage into `workDir` and measures the final stage. */
export function replayImage(opts: ReplayOptions): ReplayedImage {
  const stages = parseDockerfile(fs.readFileSync(path.join(opts.context, opts.dockerfile), "utf8"));
  const built = new Map<string, StageState>();
  let last: StageState | undefined;
  stages.forEach((stage, index) => {
    const root = path.join(opts.workDir, `stage-${index}`);
    const parent = built.get(stage.base);
    if (parent) linkTree(parent.root, root);
    else fs.mkdirSync(root, { recursive: true });
    // A stage built FROM an earlier one inherits its files, WORKDIR, ENV and ENTRYPOINT.
    const start: StageState = parent
      ? { ...parent, root, env: { ...parent.env } }
      : { root, workdir: "/", env: {}, entrypoint: [] };
    last = runStage(stage, start, built, opts);
    if (stage.alias) built.set(stage.alias, last);
  });
  if (!last) throw new Error(`${opts.dockerfile}: no stages`);
  const appDir = path.join(last.root, last.workdir);
  return {
    appDir,
    env: last.env,
    entrypoint: last.entrypoint,
    dependencyBytes: bytesUnder(appDir, (p) => path.basename(p) === "node_modules"),
    totalBytes: bytesUnder(appDir, () => true),
  };
}

interface StageState {
  root: string;
  workdir: string;
  env: Record<string, string>;
  entrypoint: string[];
}

function runStage(stage: Stage, start: StageState, built: Map<string, StageState>, opts: ReplayOptions): StageState {
  const { root, env } = start;
  let { workdir, entrypoint } = start;
  const inStage = (p: string, base: string) => path.join(root, path.posix.isAbsolute(p) ? p : path.posix.join(base, p));
  for (const step of stage.instructions) {
    if (step.kind === "WORKDIR") {
      workdir = path.posix.resolve(workdir, step.path);
      fs.mkdirSync(path.join(root, workdir), { recursive: true });
    } else if (step.kind === "ENV") Object.assign(env, step.vars);
    else if (step.kind === "ENTRYPOINT") entrypoint = step.argv;
    else if (step.kind === "COPY") {
      const fromRoot = step.from ? built.get(step.from)?.root : undefined;
      if (step.from && !fromRoot)
        throw new Error(`${opts.dockerfile}: COPY --from=${step.from} names no earlier stage`);
      const dest = inStage(step.dest, workdir);
      const intoFolder = step.dest.endsWith("/") || step.sources.length > 1;
      for (const source of step.sources) {
        const src = fromRoot ? path.join(fromRoot, source) : path.join(opts.context, source);
        if (!fs.existsSync(src)) throw new Error(`${opts.dockerfile}: COPY ${source}: no such file in the build`);
        const isDir = fs.statSync(src).isDirectory();
        const target = isDir || !intoFolder ? dest : path.join(dest, path.basename(src));
        fs.mkdirSync(isDir ? target : path.dirname(target), { recursive: true });
        if (fromRoot && isDir) linkTree(src, target);
        else fs.cpSync(src, target, { recursive: true, verbatimSymlinks: true });
      }
    } else if (step.kind === "RUN") {
      try {
        execFileSync("sh", ["-c", step.command], {
          cwd: path.join(root, workdir),
          env: { ...process.env, ...env, ...opts.runEnv },
          stdio: ["ignore", "pipe", "pipe"],
          encoding: "utf8",
          maxBuffer: 64 * 1024 * 1024,
        });
      } catch (error) {
        // tsc reports to stdout, npm to stderr: keep the tail of both.
        const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
        const output = `${stdout}\n${stderr}`;
        throw new Error(`${opts.dockerfile}: RUN ${step.command}\n${output.trim().split("\n").slice(-15).join("\n")}`, {
          cause: error,
        });
      }
    }
  }
  return { root, workdir, env, entrypoint };
}

/**
 * Copies a stage's tree as hard links (what layers share in an image; tens of thousands of dependency files copy
 * in a second instead of minutes). Later steps only add files, so the stages never see each other's writes.
 */
function linkTree(src: string, dest: string): void {
  fs.mkdirSync(dest, { recursive: true });
  execFileSync("cp", ["-al", `${src}/.`, dest]);
}

/** Bytes of regular files below `dir`, counting a folder's whole subtree once it matches `counted`. */
function bytesUnder(dir: string, counted: (p: string) => boolean, inside = false): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    const hit = inside || counted(p);
    if (entry.isDirectory()) total += bytesUnder(p, counted, hit);
    else if (entry.isFile() && hit) total += fs.statSync(p).size;
  }
  return total;
}
