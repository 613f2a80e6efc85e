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

interface Waiting {
  readonly feeds: Record<string, TensorData>;
  readonly fetches: readonly string[] | undefined;
  readonly resolve: (r: RunResult) => void;
  readonly reject: (e: unknown) => void;
}

/** Most requests one message to a worker carries. */
const MAX_PER_MESSAGE = 64;

/** Below this size a copy is cheaper than detaching and re-attaching an ArrayBuffer across threads. */
const TRANSFER_MIN_BYTES = 64 * 1024;

/** The large input buffers of tasks that can be moved to a worker (whole, unshared ArrayBuffers). */
function transferables(tasks: readonly { feeds: Record<string, TensorData> }[]): ArrayBuffer[] {
  const list: ArrayBuffer[] = [];
  for (const task of tasks) {
    for (const t of Object.values(task.feeds)) {
      const d = t.data;
      if (Array.isArray(d) || d.byteLength < TRANSFER_MIN_BYTES) continue;
      if (d.byteOffset === 0 && d.byteLength === d.buffer.byteLength && d.buffer instanceof ArrayBuffer && !list.includes(d.buffer)) {
        list.push(d.buffer);
      }
    }
  }
  return list;
}

/** Worker threads with one session each; `close()` terminates them, which releases the sessions' memory. */
export class SessionPool {
  private closed = false;
  private flushScheduled = false;
  private busy = 0;
  private readonly waiting: Waiting[] = [];

  private constructor(
    private readonly piscina: Piscina,
    private readonly instances: number,
    private readonly maxQueue: number,
  ) {}

  /** Starts the workers, loads the model in each and returns the session info; rejects (and cleans up) on a bad model. */
  static async open(opts: SessionPoolOptions): Promise<{ pool: SessionPool; info: SessionInfo }> {
    const piscina = new Piscina({
      filename: WORKER,
      minThreads: opts.instances,
      maxThreads: opts.instances,
      concurrentTasksPerWorker: 1,
      // Requests queue in SessionPool (where they can leave together), never in piscina.
      maxQueue: opts.instances * 2,
      idleTimeout: Number.MAX_SAFE_INTEGER,
      // No per-task run/wait-time histograms: the service measures what it reports itself.
      recordTiming: false,
      // Worker threads must not inherit a TypeScript loader's flags; the worker entry is plain JavaScript.
      execArgv: [],
      workerData: {
        modelPath: "path" in opts.model ? opts.model.path : undefined,
        modelBytes: "bytes" in opts.model ? opts.model.bytes : undefined,
        intraOpNumThreads: opts.intraOpNumThreads,
        device: opts.device,
      },
    });
    const pool = new SessionPool(piscina, opts.instances, opts.maxQueue);
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

  /**
   * Runs one execution on a worker; the large input buffers are moved, not copied. Requests are posted at the end
   * of the current event-loop turn (setImmediate), all that arrived in the turn together, and while every worker is
   * busy they wait here and leave together when one frees up: one message (one thread wake-up each way) per worker
   * serves many requests under load, while each request still runs alone in onnxruntime.
   */
  run(feeds: Record<string, TensorData>, fetches?: readonly string[]): Promise<RunResult> {
    if (this.closed) return Promise.reject(unavailable("model version is unloading"));
    // Free workers will take up to MAX_PER_MESSAGE each at the end of this turn; beyond that, maxQueue may wait.
    if (this.waiting.length >= this.maxQueue + (this.instances - this.busy) * MAX_PER_MESSAGE) {
      return Promise.reject(unavailable(`inference queue is full (${this.waiting.length} requests waiting); retry later`));
    }
    return new Promise((resolve, reject) => {
      this.waiting.push({ feeds, fetches, resolve, reject });
      if (!this.flushScheduled && this.busy < this.instances) {
        this.flushScheduled = true;
        setImmediate(this.flush);
      }
    });
  }

  /** Sends the waiting requests to the free workers, split evenly, at most MAX_PER_MESSAGE per message. */
  private readonly flush = (): void => {
    this.flushScheduled = false;
    if (this.closed) return;
    while (this.waiting.length > 0 && this.busy < this.instances) {
      const free = this.instances - this.busy;
      const take = Math.min(MAX_PER_MESSAGE, Math.ceil(this.waiting.length / free));
      this.send(this.waiting.splice(0, take));
    }
  };

  private send(batch: Waiting[]): void {
    this.busy++;
    const done = (): void => {
      this.busy--;
      this.flush();
    };
    if (batch.length === 1) {
      const w = batch[0] as Waiting;
      this.piscina.run({ op: "run", feeds: w.feeds, fetches: w.fetches }, { transferList: transferables(batch) }).then(
        (r) => {
          done();
          w.resolve(r as RunResult);
        },
        (error: unknown) => {
          done();
          w.reject(error);
        },
      );
      return;
    }
    this.piscina.run({ op: "runMany", tasks: batch.map((w) => ({ feeds: w.feeds, fetches: w.fetches })) }, { transferList: transferables(batch) }).then(
      (results) => {
        done();
        (results as (RunResult | { error: string })[]).forEach((r, i) => {
          const w = batch[i] as Waiting;
          if ("error" in r) w.reject(new Error(r.error));
          else w.resolve(r);
        });
      },
      (error: unknown) => {
        done();
        for (const w of batch) w.reject(error);
      },
    );
  }

  /** Requests waiting for a worker. */
  get queueSize(): number {
    return this.waiting.length;
  }

  /** Terminates the workers (and so frees the sessions); idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.reject(unavailable("model version unloaded"));
    await this.piscina.destroy();
  }
}
