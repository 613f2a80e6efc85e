/**
 * A pool of worker threads for one model version, each holding its own onnxruntime session,
 * so inference never blocks the HTTP event loop (onnxruntime-node's `session.run()` blocks its thread).
 */
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { deadlineExceeded, unavailable } from "../errors.js";
import type { TensorData } from "../protocol/datatypes.js";
import type { RunCost, RunResult, SessionInfo } from "./session-types.js";

const WORKER = fileURLToPath(new URL("../worker/session-worker.mjs", import.meta.url));

export type { OrtValueMetadata, RunCost, RunResult, SessionInfo } from "./session-types.js";

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
  /**
   * Longest one message of runs (or a warmup) may take on a worker, ms; past it the worker is terminated, what it
   * held fails with 504 and a fresh worker replaces it (after a backoff while runs keep hanging).
   */
  readonly runDeadlineMs: number;
}

/** Consecutive deadline kills (no answer in between) after which the pool reports itself `hung`. */
export const HUNG_AFTER = 3;

/** Backoff before replacing a worker after the `n`th consecutive deadline kill: 100 ms doubling, at most 5 s. */
export function respawnDelayMs(n: number): number {
  return n <= 0 ? 0 : Math.min(5000, 100 * 2 ** (n - 1));
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
      if (
        d.byteOffset === 0 &&
        d.byteLength === d.buffer.byteLength &&
        d.buffer instanceof ArrayBuffer &&
        !list.includes(d.buffer)
      ) {
        list.push(d.buffer);
      }
    }
  }
  return list;
}

/** What the worker answers for a message that failed as a whole (the model did not load, a single run failed). */
interface Failed {
  readonly failed: string;
}

/** A message sent to a worker and not yet answered: a control message (meta, warmup) or requests. */
type Outstanding =
  | { readonly control: true; readonly resolve: (v: unknown) => void; readonly reject: (e: unknown) => void }
  | readonly Waiting[];

/** One worker thread, its session and the messages it has not answered yet (answered in order). */
class Slot {
  readonly worker: Worker;
  readonly outstanding: Outstanding[] = [];
  /** Fires when the oldest outstanding message is past its deadline. */
  deadline: NodeJS.Timeout | undefined;
  /** Set when the deadline terminated this worker: what it held fails with this. */
  killedBy: Error | undefined;

  constructor(
    workerData: object,
    onMessage: (slot: Slot, reply: unknown) => void,
    onExit: (slot: Slot, code: number) => void,
    onError: (slot: Slot, e: Error) => void,
  ) {
    // Worker threads must not inherit a TypeScript loader's flags; the worker entry is plain JavaScript.
    this.worker = new Worker(WORKER, { workerData, execArgv: [] });
    this.worker.on("message", (reply: unknown) => onMessage(this, reply));
    this.worker.on("error", (e: Error) => onError(this, e));
    this.worker.on("exit", (code: number) => onExit(this, code));
  }

  control(op: "meta" | "warmup" | "measure", rows?: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.outstanding.push({ control: true, resolve, reject });
      this.worker.postMessage({ op, rows });
      // Loading (meta) may take as long as the model is big; warmup and measure are runs, bounded like requests.
      if (op !== "meta") this.onSent();
    });
  }

  /** Arms the deadline for the oldest outstanding message, if none is armed. */
  onSent(): void {
    this.deadline ??= setTimeout(this.expire, this.deadlineMs).unref();
  }

  /** The oldest message was answered: re-arm for the next one, if any. */
  onAnswered(): void {
    clearTimeout(this.deadline);
    this.deadline = undefined;
    if (this.outstanding.length > 0) this.onSent();
  }

  deadlineMs = 0;
  /** Called when the deadline passed (the pool fails what the worker held and replaces it). */
  onExpire: (slot: Slot) => void = () => undefined;
  private readonly expire = (): void => {
    this.killedBy = deadlineExceeded(
      `the model run exceeded its ${this.deadlineMs} ms deadline; the worker was terminated and is being replaced`,
    );
    // terminate() stops JavaScript at once but cannot interrupt a native session.run(): the thread exits when that
    // returns. So its requests fail and a replacement starts now, without waiting for the exit.
    void this.worker.terminate();
    this.onExpire(this);
  };
}

function failure(reply: unknown): Error | undefined {
  return reply !== null && typeof reply === "object" && "failed" in reply
    ? new Error((reply as Failed).failed)
    : undefined;
}

/** Worker threads with one session each; `close()` terminates them, which releases the sessions' memory. */
export class SessionPool {
  private closed = false;
  private flushScheduled = false;
  private busy = 0;
  private readonly waiting: Waiting[] = [];
  /** Workers with no requests outstanding. */
  private readonly idle: Slot[] = [];
  private readonly slots: Slot[] = [];
  /** Why the last worker died, for requests that were on it. */
  private lastWorkerError: Error | undefined;
  /** Deadline kills since the last answered run. */
  private hangs = 0;
  private respawnTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly workerData: object,
    private readonly instances: number,
    private readonly maxQueue: number,
    private readonly runDeadlineMs: number,
  ) {
    for (let i = 0; i < instances; i++) this.spawn();
  }

  /** True after {@link HUNG_AFTER} consecutive runs hit the deadline: the model version should not count as ready. */
  get hung(): boolean {
    return this.hangs >= HUNG_AFTER;
  }

  /**
   * Starts a worker. A replacement (`loadFirst`) takes requests only once its session is loaded, so the load (not
   * bounded: a big model takes its time) never counts against a request's run deadline.
   */
  private spawn(loadFirst = false): Slot {
    const slot = new Slot(this.workerData, this.onMessage, this.onExit, this.onError);
    slot.deadlineMs = this.runDeadlineMs;
    slot.onExpire = (expired) => this.onExit(expired, -1);
    this.slots.push(slot);
    if (!loadFirst) {
      this.idle.push(slot);
      return slot;
    }
    slot.control("meta").then(
      () => {
        if (this.closed || !this.slots.includes(slot)) return;
        this.idle.push(slot);
        if (this.waiting.length > 0 && !this.flushScheduled) this.flush();
      },
      () => undefined, // it failed to load: its exit replaces it again
    );
    return slot;
  }

  /** Starts the workers, loads the model in each and returns the session info; rejects (and cleans up) on a bad model. */
  static async open(opts: SessionPoolOptions): Promise<{ pool: SessionPool; info: SessionInfo }> {
    const pool = new SessionPool(
      {
        modelPath: "path" in opts.model ? opts.model.path : undefined,
        modelBytes: "bytes" in opts.model ? opts.model.bytes : undefined,
        intraOpNumThreads: opts.intraOpNumThreads,
        device: opts.device,
      },
      opts.instances,
      opts.maxQueue,
      opts.runDeadlineMs,
    );
    try {
      const info = (await (pool.slots[0] as Slot).control("meta")) as SessionInfo;
      // Warm up every instance: each worker loads its session and runs once before traffic arrives.
      await Promise.all(pool.slots.map((s) => s.control("warmup")));
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
      return Promise.reject(
        unavailable(`inference queue is full (${this.waiting.length} requests waiting); retry later`),
      );
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
    while (this.waiting.length > 0 && this.idle.length > 0) {
      const free = this.idle.length;
      const take = Math.min(MAX_PER_MESSAGE, Math.ceil(this.waiting.length / free));
      this.send(this.idle.pop() as Slot, take === 1 ? [this.waiting.shift() as Waiting] : this.waiting.splice(0, take));
    }
  };

  private send(slot: Slot, batch: Waiting[]): void {
    this.busy++;
    slot.outstanding.push(batch);
    slot.onSent();
    try {
      const transfer = transferables(batch);
      if (batch.length === 1) {
        const w = batch[0] as Waiting;
        slot.worker.postMessage({ op: "run", feeds: w.feeds, fetches: w.fetches }, transfer);
        return;
      }
      const tasks = new Array<{ feeds: Record<string, TensorData>; fetches: readonly string[] | undefined }>(
        batch.length,
      );
      for (let i = 0; i < batch.length; i++) {
        const w = batch[i] as Waiting;
        tasks[i] = { feeds: w.feeds, fetches: w.fetches };
      }
      slot.worker.postMessage({ op: "runMany", tasks }, transfer);
    } catch (error) {
      // Not cloneable: nothing reached the worker.
      slot.outstanding.pop();
      slot.onAnswered();
      for (const w of batch) w.reject(error);
      this.release(slot);
    }
  }

  /** A worker answered its oldest outstanding message. */
  private readonly onMessage = (slot: Slot, reply: unknown): void => {
    const o = slot.outstanding.shift();
    if (o === undefined) return;
    slot.onAnswered();
    const failed = failure(reply);
    if (!Array.isArray(o)) {
      const c = o as Extract<Outstanding, { control: true }>;
      if (failed) c.reject(failed);
      else c.resolve(reply);
      return;
    }
    const batch = o as readonly Waiting[];
    this.hangs = 0;
    this.release(slot);
    if (failed) {
      for (const w of batch) w.reject(failed);
    } else if (batch.length === 1) {
      (batch[0] as Waiting).resolve(reply as RunResult);
    } else {
      const results = reply as (RunResult | { error: string })[];
      for (let i = 0; i < batch.length; i++) {
        const r = results[i] as RunResult | { error: string };
        const w = batch[i] as Waiting;
        if ("error" in r) w.reject(new Error(r.error));
        else w.resolve(r);
      }
    }
  };

  /** The worker is free again: it takes what waits (this turn's flush, or now). */
  private release(slot: Slot): void {
    this.busy--;
    this.idle.push(slot);
    if (this.waiting.length > 0 && !this.flushScheduled) this.flush();
  }

  private readonly onError = (_slot: Slot, e: Error): void => {
    this.lastWorkerError = e;
  };

  /** A worker died (crash, out of memory): what it held fails, and a fresh worker (and session) replaces it. */
  private readonly onExit = (slot: Slot, code: number): void => {
    clearTimeout(slot.deadline);
    // A worker the deadline already replaced exits later, when its native run returns: nothing left to do.
    if (!this.slots.includes(slot)) return;
    const error = slot.killedBy ?? this.lastWorkerError ?? new Error(`inference worker exited with code ${code}`);
    this.lastWorkerError = undefined;
    if (slot.killedBy) this.hangs++;
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    const j = this.idle.indexOf(slot);
    if (j >= 0) this.idle.splice(j, 1);
    for (const o of slot.outstanding.splice(0)) {
      if (Array.isArray(o)) {
        this.busy--;
        for (const w of o as readonly Waiting[]) w.reject(this.closed ? unavailable("model version unloaded") : error);
      } else {
        (o as Extract<Outstanding, { control: true }>).reject(error);
      }
    }
    if (this.closed) return;
    const respawn = (): void => {
      if (!this.closed) this.spawn(true);
    };
    const delay = slot.killedBy ? respawnDelayMs(this.hangs) : 0;
    if (delay === 0) respawn();
    else this.respawnTimer = setTimeout(respawn, delay).unref();
  };

  /** Measures the run cost on one worker (with no traffic yet: it runs between requests otherwise). */
  async measure(rows: number): Promise<RunCost> {
    return (await (this.slots[0] as Slot).control("measure", rows)) as RunCost;
  }

  /** Requests waiting for a worker. */
  get queueSize(): number {
    return this.waiting.length;
  }

  /** Terminates the workers (and so frees the sessions); idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.respawnTimer);
    for (const s of this.slots) clearTimeout(s.deadline);
    for (const w of this.waiting.splice(0)) w.reject(unavailable("model version unloaded"));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
