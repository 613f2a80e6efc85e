/**
 * The soak's open-loop load generator, in its own process (`node bench/soak-load.mts '<spec file>'`): sends
 * `rate` requests per second for `minutes` minutes whatever the answers take (a slow server does not slow the load
 * down), and prints one JSON line per minute: requests, errors (non-200 or failed), p50 and p99 in ms.
 */
import { readFileSync } from "node:fs";
import http from "node:http";

/** What to send. */
export type SoakSpec = { port: number; path: string; bodyFile: string; rate: number; minutes: number };

/** One minute's figures. */
export type SoakMinute = {
  minute: number;
  requests: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  firstError?: string;
};

const spec = JSON.parse(readFileSync(process.argv[2] ?? "", "utf8")) as SoakSpec;
const body = readFileSync(spec.bodyFile);
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const headers = { "content-type": "application/json", "content-length": String(body.length) };
let latencies: number[] = [];
let errors = 0;
let firstError: string | undefined;
let outstanding = 0;

function send(): void {
  const started = performance.now();
  outstanding++;
  const fail = (why: string): void => {
    errors++;
    firstError ??= why;
  };
  const req = http.request(
    { host: "127.0.0.1", port: spec.port, path: spec.path, method: "POST", agent, headers },
    (res) => {
      res.resume();
      res.on("end", () => {
        outstanding--;
        latencies.push(performance.now() - started);
        if (res.statusCode !== 200) fail(`status ${res.statusCode}`);
      });
    },
  );
  req.on("error", (e) => {
    outstanding--;
    fail(e.message);
  });
  req.end(body);
}

const quantile = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
const tickMs = 10;
const start = performance.now();
let sent = 0;
let minute = 0;
const timer = setInterval(() => {
  const elapsed = performance.now() - start;
  // Catch up to the schedule: rate × elapsed requests by now.
  const due = Math.floor((spec.rate * elapsed) / 1000);
  while (sent < due) {
    send();
    sent++;
  }
  if (elapsed >= (minute + 1) * 60_000) {
    minute++;
    const sorted = latencies.sort((a, b) => a - b);
    const line: SoakMinute = {
      minute,
      requests: sorted.length,
      errors,
      p50Ms: quantile(sorted, 0.5),
      p99Ms: quantile(sorted, 0.99),
      ...(firstError ? { firstError } : {}),
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
    latencies = [];
    errors = 0;
    firstError = undefined;
    if (minute >= spec.minutes) {
      clearInterval(timer);
      const wait = setInterval(() => {
        if (outstanding === 0 || performance.now() - start > elapsed + 10_000) {
          clearInterval(wait);
          agent.destroy();
        }
      }, 50);
    }
  }
}, tickMs);
