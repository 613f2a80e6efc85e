/**
 * Triton-style dynamic batching for one model version: requests whose inputs agree on every dimension but
 * the first are concatenated along dimension 0, executed once, and the outputs split back.
 * A batch leaves when it reaches max_batch_size or a preferred size, or when its oldest request has waited
 * max_queue_delay_microseconds; while every instance is busy, requests keep accumulating (natural batching).
 */
import { unavailable } from "../errors.js";
import { DATATYPES, type NumericArray, type TensorData, datatypeOfOrt } from "../protocol/datatypes.js";
import type { RunResult } from "./session-pool.js";

/** Batching settings (Triton's `max_batch_size` and `dynamic_batching` fields). */
export interface BatchingOptions {
  /** Largest batch (rows) one execution takes. */
  readonly maxBatchSize: number;
  /** How long the oldest request may wait for company; 0 = send whatever is queued at once. */
  readonly maxQueueDelayUs: number;
  /** Batch sizes to prefer when more than one is reachable; empty = as large as possible. */
  readonly preferredBatchSizes: readonly number[];
  /** Queued requests beyond which new ones are refused with 503. */
  readonly maxQueueSize: number;
  /** Executions in flight at once (the number of session instances). */
  readonly concurrency: number;
}

/** What one execution of a formed batch reports, for metrics. */
export interface BatchStats {
  readonly batchSize: number;
  readonly requests: number;
  readonly computeUs: number;
}

interface Pending {
  readonly feeds: Record<string, TensorData>;
  readonly rows: number;
  readonly key: string;
  readonly enqueuedAt: number;
  readonly resolve: (r: RunResult & { queueUs: number }) => void;
  readonly reject: (e: unknown) => void;
}

function shapeKey(feeds: Record<string, TensorData>): string {
  return Object.keys(feeds)
    .sort()
    .map((k) => `${k}:${feeds[k]?.type}:${feeds[k]?.dims.slice(1).join("x")}`)
    .join("|");
}

function concat(tensors: readonly TensorData[], rows: number): TensorData {
  const first = tensors[0] as TensorData;
  if (tensors.length === 1) return first;
  const dims = [rows, ...first.dims.slice(1)];
  if (first.type === "string") return { type: "string", dims, data: tensors.flatMap((t) => t.data as string[]) };
  const dt = datatypeOfOrt(first.type) ?? "FP32";
  let total = 0;
  for (const t of tensors) total += (t.data as NumericArray).length;
  const out = DATATYPES[dt].make(total);
  let off = 0;
  for (const t of tensors) {
    (out as Float32Array).set(t.data as Float32Array, off);
    off += (t.data as NumericArray).length;
  }
  return { type: first.type, dims, data: out };
}

function slice(t: TensorData, start: number, rows: number, total: number): TensorData {
  if (t.dims[0] !== total)
    throw new Error(`output's first dimension is ${t.dims[0]}, expected the batch size ${total}`);
  const per = t.dims.slice(1).reduce((a, b) => a * b, 1);
  const dims = [rows, ...t.dims.slice(1)];
  const data = Array.isArray(t.data)
    ? t.data.slice(start * per, (start + rows) * per)
    : (t.data as Float32Array).subarray(start * per, (start + rows) * per);
  return { type: t.type, dims, data };
}

/** The dynamic batcher in front of an executor (a SessionPool's `run`). */
export class DynamicBatcher {
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly opts: BatchingOptions,
    /** Runs one formed batch; `requests` is how many requests it carries. */
    private readonly execute: (feeds: Record<string, TensorData>, requests: number) => Promise<RunResult>,
    private readonly onBatch: (stats: BatchStats) => void = () => undefined,
  ) {}

  /** Requests waiting to be batched. */
  get queueSize(): number {
    return this.queue.length;
  }

  /** Queues one request (`rows` = its first dimension) and resolves with its share of the batch's outputs. */
  submit(feeds: Record<string, TensorData>, rows: number): Promise<RunResult & { queueUs: number }> {
    if (this.queue.length >= this.opts.maxQueueSize) {
      return Promise.reject(
        unavailable(`dynamic batching queue is full (${this.queue.length} requests waiting); retry later`),
      );
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ feeds, rows, key: shapeKey(feeds), enqueuedAt: performance.now(), resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.opts.concurrency && this.queue.length > 0) {
      const oldest = this.queue[0] as Pending;
      const waitedUs = (performance.now() - oldest.enqueuedAt) * 1000;
      const take = this.pick();
      const full = take.rows >= this.opts.maxBatchSize || this.opts.preferredBatchSizes.includes(take.rows);
      if (!full && waitedUs < this.opts.maxQueueDelayUs) {
        if (this.timer === undefined) {
          const remainingMs = (this.opts.maxQueueDelayUs - waitedUs) / 1000;
          this.timer = setTimeout(() => {
            this.timer = undefined;
            this.pump();
          }, remainingMs);
        }
        return;
      }
      this.dispatch(take.items, take.rows);
    }
  }

  /** The head request plus the following compatible ones, up to max_batch_size (or the largest preferred size reachable). */
  private pick(): { items: Pending[]; rows: number } {
    const head = this.queue[0] as Pending;
    const items: Pending[] = [head];
    let rows = head.rows;
    for (let i = 1; i < this.queue.length && rows < this.opts.maxBatchSize; i++) {
      const p = this.queue[i] as Pending;
      if (p.key === head.key && rows + p.rows <= this.opts.maxBatchSize) {
        items.push(p);
        rows += p.rows;
      }
    }
    const preferred = this.opts.preferredBatchSizes.filter((s) => s <= rows).sort((a, b) => b - a)[0];
    if (preferred !== undefined && preferred < rows && rows < this.opts.maxBatchSize) {
      let kept = 0;
      const cut: Pending[] = [];
      for (const p of items) {
        if (kept + p.rows > preferred) break;
        cut.push(p);
        kept += p.rows;
      }
      if (kept === preferred) return { items: cut, rows: kept };
    }
    return { items, rows };
  }

  private dispatch(items: Pending[], rows: number): void {
    const taken = new Set(items);
    for (let i = this.queue.length - 1; i >= 0; i--) if (taken.has(this.queue[i] as Pending)) this.queue.splice(i, 1);
    if (this.timer !== undefined && this.queue.length === 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.inFlight++;
    const startedAt = performance.now();
    const names = Object.keys((items[0] as Pending).feeds);
    let feeds: Record<string, TensorData>;
    try {
      feeds = Object.fromEntries(
        names.map((n) => [
          n,
          concat(
            items.map((p) => p.feeds[n] as TensorData),
            rows,
          ),
        ]),
      );
    } catch (error) {
      this.inFlight--;
      for (const p of items) p.reject(error);
      return;
    }
    // The next batch is dispatched before this one's callers resume, so the instance never idles between batches.
    const done = (): void => {
      this.inFlight--;
      this.pump();
    };
    this.execute(feeds, items.length).then(
      (result) => {
        done();
        this.onBatch({ batchSize: rows, requests: items.length, computeUs: result.computeUs });
        let start = 0;
        for (const p of items) {
          try {
            const outputs = Object.fromEntries(
              Object.entries(result.outputs).map(([n, t]) => [n, slice(t, start, p.rows, rows)]),
            );
            p.resolve({ outputs, computeUs: result.computeUs, queueUs: (startedAt - p.enqueuedAt) * 1000 });
          } catch (error) {
            p.reject(error);
          }
          start += p.rows;
        }
      },
      (error: unknown) => {
        done();
        for (const p of items) p.reject(error);
      },
    );
  }

  /** Fails every queued request (used when the version unloads with work still queued). */
  drain(reason: Error): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    for (const p of this.queue.splice(0)) p.reject(reason);
  }
}
