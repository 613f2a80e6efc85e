import { describe, expect, it } from "vitest";
import { jsonLinesProgress, progressFor, silentProgress, terminalProgress, withAbort } from "../../local/progress";

function sink(isTTY = false) {
  const chunks: string[] = [];
  return { chunks, isTTY, write: (c: string) => chunks.push(c) };
}

function clock(...times: number[]): () => number {
  let i = 0;
  return () => times[Math.min(i++, times.length - 1)]!;
}

describe("progress", () => {
  it("writes one JSON line per step start and end, with its duration and detail", async () => {
    const out = sink();
    const p = jsonLinesProgress(out, clock(0, 0, 1500, 1500));
    expect(
      await p.step(
        "Train model",
        async () => 7,
        (n) => `version ${n}`,
      ),
    ).toBe(7);
    expect(out.chunks.map((c) => JSON.parse(c))).toEqual([
      { time: "1970-01-01T00:00:00.000Z", step: "Train model", status: "started" },
      { time: "1970-01-01T00:00:01.500Z", step: "Train model", status: "done", ms: 1500, detail: "version 7" },
    ]);
  });

  it("reports a failed step with its error and rethrows it", async () => {
    const out = sink();
    const p = jsonLinesProgress(out, clock(0, 0, 20, 20));
    await expect(p.step("Ingest", () => Promise.reject(new Error("no such file")))).rejects.toThrow("no such file");
    expect(JSON.parse(out.chunks[1]!)).toMatchObject({
      step: "Ingest",
      status: "failed",
      ms: 20,
      error: "no such file",
    });
  });

  it("leaves one ✔ line per finished step on a terminal", async () => {
    const out = sink(true);
    const p = terminalProgress(out, clock(0, 0, 2300));
    await p.step(
      "Start Cosmos DB",
      async () => 1,
      () => "restored 1 database",
    );
    expect(out.chunks.at(-1)).toBe("\r\x1b[K✔ Start Cosmos DB (restored 1 database) 2.3s\n");
  });

  it("picks the spinner for a TTY and JSON lines otherwise", async () => {
    const tty = sink(true);
    await progressFor(tty).step("a", async () => undefined);
    expect(tty.chunks.at(-1)!.replace(/\d+\.\ds/, "N")).toBe("\r\u001b[K✔ a N\n");
    const pipe = sink(false);
    await progressFor(pipe).step("a", async () => undefined);
    expect(JSON.parse(pipe.chunks.at(-1)!)).toMatchObject({ step: "a", status: "done" });
  });

  it("withAbort runs no step once aborted, and lets the step during which it was aborted return", async () => {
    const cancel = new AbortController();
    const p = withAbort(silentProgress, cancel.signal);
    const ran: string[] = [];
    expect(await p.step("a", async () => (ran.push("a"), 1))).toBe(1);
    expect(await p.step("b", async () => (ran.push("b"), cancel.abort(new Error("stop")), 2))).toBe(2);
    await expect(p.step("c", async () => (ran.push("c"), 3))).rejects.toThrow("stop");
    expect(ran).toEqual(["a", "b"]);
  });
});
