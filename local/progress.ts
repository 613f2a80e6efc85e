/**
 * Progress of `npm start`: a spinner with one line per finished step on a terminal, JSON lines otherwise (CI logs,
 * pipes), nothing at all for programmatic use.
 */

/** Reports the steps of a long operation. */
export interface Progress {
  /**
   * Runs `work` as a named step: shows it while it runs, then `✔ title (detail) 1.2s` or `✖ title`.
   * `detail` turns the step's result into a short note (e.g. "restored 1 database").
   */
  step<T>(title: string, work: () => Promise<T>, detail?: (result: T) => string | undefined): Promise<T>;
  /** A one-line note between steps (e.g. "took over a stale lock from pid 123"). */
  note(message: string): void;
}

/** A stream the reporters write to (`process.stderr` in the CLI). */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/** Reports nothing: the default of `startLocalPlatform`. */
export const silentProgress: Progress = {
  step: (_title, work) => work(),
  note: () => undefined,
};

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** A spinner on the current line; each finished step stays as one line with its duration. */
export function terminalProgress(out: ProgressStream, now: () => number = Date.now): Progress {
  return {
    async step(title, work, detail) {
      const started = now();
      let frame = 0;
      const draw = (): void => {
        out.write(`\r\x1b[K${frames[frame % frames.length]} ${title} ${seconds(now() - started)}`);
        frame += 1;
      };
      draw();
      const timer = setInterval(draw, 100);
      timer.unref();
      try {
        const result = await work();
        const note = detail?.(result);
        out.write(`\r\x1b[K✔ ${title}${note ? ` (${note})` : ""} ${seconds(now() - started)}\n`);
        return result;
      } catch (error) {
        out.write(`\r\x1b[K✖ ${title} ${seconds(now() - started)}\n`);
        throw error;
      } finally {
        clearInterval(timer);
      }
    },
    note(message) {
      out.write(`\r\x1b[K• ${message}\n`);
    },
  };
}

/** One JSON object per line: `{"step":…,"status":"started"|"done"|"failed","ms":…,"detail":…}`. */
export function jsonLinesProgress(out: ProgressStream, now: () => number = Date.now): Progress {
  const line = (value: object): void => {
    out.write(`${JSON.stringify({ time: new Date(now()).toISOString(), ...value })}\n`);
  };
  return {
    async step(title, work, detail) {
      const started = now();
      line({ step: title, status: "started" });
      try {
        const result = await work();
        line({ step: title, status: "done", ms: now() - started, detail: detail?.(result) });
        return result;
      } catch (error) {
        line({ step: title, status: "failed", ms: now() - started, error: (error as Error).message });
        throw error;
      }
    },
    note(message) {
      line({ note: message });
    },
  };
}

/** The reporter for a stream: a spinner when it is a terminal, JSON lines otherwise. */
export function progressFor(out: ProgressStream): Progress {
  return out.isTTY ? terminalProgress(out) : jsonLinesProgress(out);
}

/**
 * The same reporter, but every step first checks `signal` and throws its reason once aborted, so a Ctrl-C during
 * start stops at the next step. A step already running completes and returns, so the caller can register (and
 * then unwind) what it started.
 */
export function withAbort(progress: Progress, signal: AbortSignal | undefined): Progress {
  if (!signal) return progress;
  return {
    async step(title, work, detail) {
      signal.throwIfAborted();
      return progress.step(title, work, detail);
    },
    note: (message) => progress.note(message),
  };
}
