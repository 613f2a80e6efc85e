/**
 * Adaptive execution for one model version: executions estimated under the time budget run inline on the event
 * loop (no thread hop), the rest on the worker pool. The estimate is linear in the input elements, fitted at
 * warmup on one row and on a full batch. If inline runs turn out slower than the budget in production, the version
 * moves to the worker pool for good, and says so. Runs are judged in windows of 16 by the fastest one: on a busy
 * machine the OS preempts the event loop inside many runs, which then look many times longer than they are, while a
 * model that outgrew its budget is over it in every run. The first window after loading (the request path still
 * being compiled) is not judged.
 */
import type { TensorData } from "../protocol/datatypes.js";
import { InlineSession } from "./inline-session.js";
import type { RunCost, RunResult, SessionPool } from "./session-pool.js";

/** Rows the cost is measured on besides one, when the model takes a batch dimension (at least). */
const MEASURE_ROWS = 64;

/** Inline runs judged together: the version moves when every one of them was over the budget. */
const WINDOW = 16;

/** What a version runs its executions with. */
export interface ExecutionOptions {
  /** The worker pool (always there: large executions and moved versions use it). */
  readonly pool: SessionPool;
  /** The event-loop session; undefined = workers only. */
  readonly inline: InlineSession | undefined;
  /** Inline executions must be estimated under this; undefined = every execution runs inline (mode `inline`). */
  readonly budgetUs: number | undefined;
  /** The run cost measured at warmup. */
  readonly cost: RunCost;
  /** Called once when the version leaves the event loop, with the window's fastest run, which was over the budget. */
  readonly onMoveToWorkers: (runUs: number) => void;
}

/** The estimated run cost of an execution with `elements` input elements, in microseconds. */
export function estimateUs(cost: RunCost, elements: number): number {
  if (cost.manyUs === undefined || cost.manyElements === undefined || cost.manyElements <= cost.oneElements)
    return cost.oneUs * Math.max(1, elements / Math.max(1, cost.oneElements));
  const slope = Math.max(0, (cost.manyUs - cost.oneUs) / (cost.manyElements - cost.oneElements));
  return cost.oneUs + slope * Math.max(0, elements - cost.oneElements);
}

function elementsOf(feeds: Record<string, TensorData>): number {
  let n = 0;
  for (const name in feeds) n += (feeds[name] as TensorData).data.length;
  return n;
}

/** Runs each execution inline or on the workers, as the budget and the measurements say. */
export class AdaptiveExecutor {
  private inline: InlineSession | undefined;
  /** Inline executions started and not yet finished (queued for the event loop's next check phase). */
  private inlinePending = 0;
  private readonly window: number[] = [];
  private judged = false;

  constructor(private readonly opts: ExecutionOptions) {
    this.inline = opts.inline;
  }

  /**
   * Measures the run cost on a worker (unless the mode is `workers` or the device is CUDA, which stays on the
   * workers) and opens the event-loop session when the mode is `inline`, or `auto` and one row fits the budget.
   */
  static async open(opts: {
    readonly pool: SessionPool;
    readonly model: { readonly path: string } | { readonly bytes: Uint8Array };
    /** The model's `execution` setting (the budget belongs to `auto`). */
    readonly execution:
      { readonly mode: "auto"; readonly inlineBudgetUs: number } | { readonly mode: "inline" | "workers" };
    readonly device: "cpu" | "cuda";
    readonly maxBatchSize: number;
    readonly onMoveToWorkers: (runUs: number) => void;
  }): Promise<AdaptiveExecutor> {
    const { pool, execution } = opts;
    const workersOnly = execution.mode === "workers" || opts.device === "cuda";
    const cost: RunCost = workersOnly
      ? { oneUs: 0, oneElements: 1 }
      : await pool.measure(Math.max(MEASURE_ROWS, opts.maxBatchSize));
    const budgetUs = execution.mode === "auto" ? execution.inlineBudgetUs : undefined;
    const inline =
      !workersOnly && (budgetUs === undefined || cost.oneUs <= budgetUs)
        ? await InlineSession.open(opts.model)
        : undefined;
    return new AdaptiveExecutor({ pool, inline, budgetUs, cost, onMoveToWorkers: opts.onMoveToWorkers });
  }

  /** The run cost measured at warmup. */
  get cost(): RunCost {
    return this.opts.cost;
  }

  /** Where executions go now (`inline` may still send an oversized one to the workers). */
  get mode(): "inline" | "workers" {
    return this.inline ? "inline" : "workers";
  }

  /** Runs one execution carrying `requests` requests (a formed batch may carry several). */
  run(feeds: Record<string, TensorData>, fetches: readonly string[] | undefined, requests = 1): Promise<RunResult> {
    const inline = this.inline;
    const budget = this.opts.budgetUs;
    // In `auto`, inline is for a lone request on an otherwise idle model: an execution that carries several requests
    // (a batch formed under load) or finds another one already waiting for the event loop goes to the workers, which
    // then compute in parallel with the HTTP thread (measured on 2 vCPUs: inline halves a lone request's CPU and
    // cuts its latency by a quarter, while with 64 concurrent clients the worker path answers 15-40 % more).
    const alone = requests === 1 && this.inlinePending === 0;
    if (inline && (budget === undefined || (alone && estimateUs(this.opts.cost, elementsOf(feeds)) <= budget)))
      return this.runInline(inline, feeds, fetches);
    return this.opts.pool.run(feeds, fetches);
  }

  private async runInline(
    inline: InlineSession,
    feeds: Record<string, TensorData>,
    fetches: readonly string[] | undefined,
  ): Promise<RunResult> {
    this.inlinePending++;
    let result: RunResult;
    try {
      result = await inline.run(feeds, fetches);
    } finally {
      this.inlinePending--;
    }
    const budget = this.opts.budgetUs;
    if (budget === undefined || !this.inline) return result;
    this.window.push(result.computeUs);
    if (this.window.length < WINDOW) return result;
    const sorted = this.window.splice(0).sort((a, b) => a - b);
    if (!this.judged) {
      this.judged = true;
      return result;
    }
    const fastestUs = sorted[0] as number;
    if (fastestUs > budget) {
      this.inline = undefined;
      this.opts.onMoveToWorkers(fastestUs);
    }
    return result;
  }

  /** Releases the inline session (the pool is closed by its owner). */
  async close(): Promise<void> {
    await this.opts.inline?.close();
  }
}
