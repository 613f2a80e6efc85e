/**
 * A pool of worker threads for one model version, each holding its own onnxruntime session,
 * so inference never blocks the HTTP event loop (serving.md §0.1).
 */
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import { unavailable } from "../errors.js";
import type { TensorData } from "../protocol/datatypes.js";

const WORKER = fileURLToPath(new URL("../worker/session-worker.mjs", import.meta.url));

/** What onnxruntime reports about one model input or output. */
export interface OrtValueMetadata {
  readonly name: string;
  readonly isTensor: boolean;
  readonly type?: string;
  readonly shape?: readonly (number | string)[];
}

/** The loaded session's signature and execution provider. */
export interface SessionInfo {
  readonly inputs: readonly OrtValueMetadata[];
  readonly outputs: readonly OrtValueMetadata[];
  /** `cuda` or `cpu`. */
  readonly provider: string;
  /** Why CUDA was asked for but CPU is used; undefined when there was no fallback. */
  readonly fallbackReason: string | undefined;
}

/** One execution's outputs and its time inside onnxruntime. */
export interface RunResult {
  readonly outputs: Record<string, TensorData>;
  readonly computeUs: number;
}

/** How to build the pool. */
export interface SessionPoolOptions {
  /** The model file to read in each worker, or its bytes (already sha256-verified). */
  readonly model: { path: string } | { bytes: Uint8Array };
  /** Worker threads = sessions (Triton's instance count). */
  readonly instances: number;
  /** onnxruntime intra-op threads per session (the pod's CPU limit divided by the instances). */
  readonly intraOpNumThreads: number;
  readonly device: "cpu" | "cuda";
  /** Tasks allowed to wait for a free worker before `run` fails with 503. */
  readonly maxQueue: number;
}

/** Worker threads with one session each; `close()` terminates them, which releases the sessions' memory. */
export class SessionPool {
  private readonly piscina: Piscina;
  private closed = false;

  private constructor(piscina: Piscina) {
    this.piscina = piscina;
  }

  /** Starts the workers, loads the model in each and returns the session info; rejects (and cleans up) on a bad model. */
  static async open(opts: SessionPoolOptions): Promise<{ pool: SessionPool; info: SessionInfo }> {
    const piscina = new Piscina({
      filename: WORKER,
      minThreads: opts.instances,
      maxThreads: opts.instances,
      concurrentTasksPerWorker: 1,
      maxQueue: opts.maxQueue,
      idleTimeout: Number.MAX_SAFE_INTEGER,
      // Worker threads must not inherit a TypeScript loader's flags; the worker entry is plain JavaScript.
      execArgv: [],
      workerData: {
        modelPath: "path" in opts.model ? opts.model.path : undefined,
        modelBytes: "bytes" in opts.model ? opts.model.bytes : undefined,
        intraOpNumThreads: opts.intraOpNumThreads,
        device: opts.device,
      },
    });
    const pool = new SessionPool(piscina);
    try {
      const info = (await piscina.run({ op: "meta" })) as SessionInfo;
      // Warm up every instance: each worker loads its session and runs once before traffic arrives.
      await Promise.all(Array.from({ length: opts.instances }, () => piscina.run({ op: "warmup" })));
      return { pool, info };
    } catch (error) {
      await pool.close();
      throw error;
    }
  }

  /** Runs one execution on a free worker; the input buffers are moved, not copied. */
  async run(feeds: Record<string, TensorData>, fetches?: readonly string[]): Promise<RunResult> {
    if (this.closed) throw unavailable("model version is unloading");
    const transferList: ArrayBuffer[] = [];
    for (const t of Object.values(feeds)) {
      const d = t.data;
      if (!Array.isArray(d) && d.byteOffset === 0 && d.byteLength === d.buffer.byteLength && d.buffer instanceof ArrayBuffer) {
        transferList.push(d.buffer);
      }
    }
    try {
      return (await this.piscina.run({ op: "run", feeds, fetches }, { transferList })) as RunResult;
    } catch (error) {
      if (error instanceof Error && /queue is at limit/i.test(error.message)) {
        throw unavailable(`inference queue is full (${this.piscina.queueSize} waiting); retry later`);
      }
      throw error;
    }
  }

  /** Tasks waiting for a worker. */
  get queueSize(): number {
    return this.piscina.queueSize;
  }

  /** Terminates the workers (and so frees the sessions); idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.piscina.destroy();
  }
}
