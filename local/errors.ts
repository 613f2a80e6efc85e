/**
 * Errors of the local platform. Each says what is wrong and what to do about it; the CLI prints `message` as is.
 */

/** A problem the user can fix; `hint` is the next command or flag to try. */
export class LocalPlatformError extends Error {
  constructor(
    message: string,
    /** What to do next, e.g. `npm start -- --port 0`. */
    readonly hint?: string,
  ) {
    super(hint ? `${message}\n  → ${hint}` : message);
    this.name = new.target.name;
  }
}

/** A port the platform must listen on is taken by another process. */
export class PortInUseError extends LocalPlatformError {
  constructor(
    readonly port: number,
    /** What the port is for: `inference`, `cosmos` or `blob`. */
    readonly purpose: string,
    /** The `npm start` flag that changes it. */
    readonly flag: string,
  ) {
    super(
      `port ${port} (${purpose}) is already in use on 127.0.0.1`,
      `stop what uses it, or pick another port: npm start -- ${flag} <port>   (0 picks a free one)`,
    );
  }
}

/** Something under the data directory cannot be read back; nothing is deleted without `--reset`. */
export class CorruptDataError extends LocalPlatformError {
  constructor(
    readonly file: string,
    reason: string,
    dataDir: string,
  ) {
    super(
      `${file} is corrupted: ${reason}`,
      `move it away to inspect it, or start from scratch with \`npm start -- --reset\` ` +
        `(deletes everything under ${dataDir})`,
    );
  }
}

/** Another `npm start` already runs on this data directory. */
export class AlreadyRunningError extends LocalPlatformError {
  constructor(
    readonly pid: number,
    dataDir: string,
  ) {
    super(
      `the local platform already runs on ${dataDir} (pid ${pid})`,
      `use it (npx ai-platform status), stop it (npx ai-platform stop), or pass another --data-dir`,
    );
  }
}
