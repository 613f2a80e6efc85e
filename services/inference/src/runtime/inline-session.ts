/**
 * An onnxruntime session on the event loop itself, for models whose run costs less than the trip to a worker
 * thread and back (the structured clone of feeds and outputs, two thread wake-ups). Each run blocks the event loop
 * for its duration, so only executions estimated under the model's time budget come here (see adaptive-executor.ts).
 */
import type { InferenceSession } from "onnxruntime-node";
import type { TensorData } from "../protocol/datatypes.js";
import type { RunResult } from "./session-pool.js";

/** What ort-tensors.mjs (plain JavaScript shared with the session workers) exports, as used here. */
interface OrtTensors {
  toOrtFeeds(feeds: Record<string, TensorData>): InferenceSession.FeedsType;
  fromOrtResults(results: InferenceSession.ReturnType): Record<string, TensorData>;
  sessionOptions(intraOpNumThreads: number, executionProviders: readonly string[]): InferenceSession.SessionOptions;
  zeroFeeds(inputs: InferenceSession["inputMetadata"], rows?: number): { feeds: Record<string, TensorData> };
  createSession(
    model: { readonly path: string } | { readonly bytes: Uint8Array },
    options: InferenceSession.SessionOptions,
  ): Promise<InferenceSession>;
}

/** Runs on zeros before traffic. */
const WARMUP_RUNS = 20;

/** Imported by URL: the module is JavaScript that the compiled image ships as is, with no declaration beside it. */
const ORT_TENSORS = new URL("./ort-tensors.mjs", import.meta.url).href;

/** A main-thread session; `run` reports the time spent inside onnxruntime. */
export class InlineSession {
  private constructor(
    private readonly session: InferenceSession,
    private readonly tensors: OrtTensors,
  ) {}

  /**
   * Loads the model on this thread with one intra-op thread (cheap models gain nothing from more) and warms it up
   * on zeros, so the first requests' runs (which the budget judges) do not pay for compiling the run path.
   */
  static async open(model: { readonly path: string } | { readonly bytes: Uint8Array }): Promise<InlineSession> {
    // Loaded on first use: a server whose models all run on workers never loads onnxruntime on its HTTP thread.
    const tensors = (await import(ORT_TENSORS)) as OrtTensors;
    const session = await tensors.createSession(model, tensors.sessionOptions(1, ["cpu"]));
    const inline = new InlineSession(session, tensors);
    for (let i = 0; i < WARMUP_RUNS; i++) await inline.run(tensors.zeroFeeds(session.inputMetadata).feeds, undefined);
    return inline;
  }

  /**
   * Runs on the event loop. onnxruntime-node 1.30 runs the native call inside a `setImmediate` it schedules
   * synchronously from `session.run`; an immediate queued just before it fires right before it, so the time from
   * that immediate to the resumption below is the native run plus the wrapping of the outputs, without the other
   * callbacks of the same loop turn.
   */
  async run(feeds: Record<string, TensorData>, fetches: readonly string[] | undefined): Promise<RunResult> {
    const ortFeeds = this.tensors.toOrtFeeds(feeds);
    let startedAt = 0;
    setImmediate(() => (startedAt = performance.now()));
    const results = fetches ? await this.session.run(ortFeeds, fetches) : await this.session.run(ortFeeds);
    const computeUs = (performance.now() - startedAt) * 1000;
    return { outputs: this.tensors.fromOrtResults(results), computeUs };
  }

  /** Releases the native session. */
  async close(): Promise<void> {
    await this.session.release();
  }
}
