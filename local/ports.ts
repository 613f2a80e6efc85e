/**
 * Port checks before anything starts, so a taken port fails fast with the flag that changes it, instead of
 * half a platform started and an `EADDRINUSE` stack trace.
 */
import { createServer } from "node:net";
import { PortInUseError } from "./errors";

/** A port the platform wants, what it is for, and the `npm start` flag that sets it. */
export interface WantedPort {
  port: number;
  purpose: string;
  flag: string;
}

/** Resolves whether `port` can be bound on 127.0.0.1 right now. Port 0 (any free port) always can. */
export function isPortFree(port: number): Promise<boolean> {
  if (port === 0) return Promise.resolve(true);
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE" || error.code === "EACCES") resolve(false);
      else reject(error);
    });
    probe.listen({ port, host: "127.0.0.1", exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/**
 * Throws `PortInUseError` for the first wanted port that is taken. Also rejects a port that is not an integer in
 * 0..65535, naming its flag.
 */
export async function assertPortsFree(wanted: readonly WantedPort[]): Promise<void> {
  for (const w of wanted) {
    if (!Number.isInteger(w.port) || w.port < 0 || w.port > 65535) {
      throw new RangeError(`${w.flag} must be an integer from 0 to 65535 (0 picks a free port), got ${w.port}`);
    }
  }
  const explicit = wanted.filter((w) => w.port !== 0);
  const seen = new Map<number, WantedPort>();
  for (const w of explicit) {
    const other = seen.get(w.port);
    if (other) throw new RangeError(`${other.flag} and ${w.flag} are both ${w.port}; each needs its own port`);
    seen.set(w.port, w);
  }
  for (const w of explicit) {
    if (!(await isPortFree(w.port))) throw new PortInUseError(w.port, w.purpose, w.flag);
  }
}

/** Turns an `EADDRINUSE` from a server start into `PortInUseError`; passes any other error through. */
export function explainListenError(error: unknown, wanted: WantedPort): unknown {
  return (error as NodeJS.ErrnoException | undefined)?.code === "EADDRINUSE"
    ? new PortInUseError(wanted.port, wanted.purpose, wanted.flag)
    : error;
}
