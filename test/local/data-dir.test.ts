import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  acquireLock,
  assertAzuriteMetadataReadable,
  dataDirLayout,
  readPlatformJson,
  readRememberedPorts,
  writePlatformJson,
} from "../../local/data-dir";
import { AlreadyRunningError, CorruptDataError, PortInUseError } from "../../local/errors";
import { assertPortsFree } from "../../local/ports";

const root = mkdtempSync(join(tmpdir(), "data-dir-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => dataDirLayout(join(root, `d${n++}`));

/** A pid that certainly no longer runs: a child that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ["-e", "0"]).pid!;
}

describe("data directory", () => {
  it("lays out platform.json, lock, cosmos and azurite under the resolved root", () => {
    const l = dataDirLayout("/x/.platform");
    expect(l).toEqual({
      root: "/x/.platform",
      platformJson: "/x/.platform/platform.json",
      lock: "/x/.platform/lock",
      ports: "/x/.platform/ports.json",
      cosmos: "/x/.platform/cosmos",
      azurite: "/x/.platform/azurite",
      tmp: "/x/.platform/tmp",
    });
  });

  it("refuses a second owner while the first lives, and release removes lock and platform.json", () => {
    const l = fresh();
    const lock = acquireLock(l);
    expect(lock.staleFrom).toBeUndefined();
    writePlatformJson(l, { pid: process.pid });
    expect(() => acquireLock(l, process.pid + 1)).toThrow(AlreadyRunningError);
    lock.release();
    expect([existsSync(l.lock), existsSync(l.platformJson)]).toEqual([false, false]);
  });

  it("takes over the lock and platform.json of a crashed run and says whose", () => {
    const l = fresh();
    const pid = deadPid();
    acquireLock(l, pid);
    writePlatformJson(l, { pid });
    expect(readPlatformJson(l)).toEqual({ kind: "stale", pid });
    const lock = acquireLock(l);
    expect(lock.staleFrom).toBe(pid);
    expect(existsSync(l.platformJson)).toBe(false);
    expect(readFileSync(l.lock, "utf8")).toBe(`${process.pid}\n`);
    lock.release();
  });

  it("reads a running platform.json and reports a corrupted one by path", () => {
    const l = fresh();
    const lock = acquireLock(l);
    writePlatformJson(l, { pid: process.pid, inferenceUrl: "http://127.0.0.1:1" });
    expect(readPlatformJson(l)).toEqual({
      kind: "running",
      state: { pid: process.pid, inferenceUrl: "http://127.0.0.1:1" },
    });
    writeFileSync(l.platformJson, "{oops");
    expect(() => readPlatformJson(l)).toThrow(CorruptDataError);
    expect(() => readPlatformJson(l)).toThrow(`${l.platformJson} is corrupted`);
    lock.release();
  });
});

describe("corrupted state files", () => {
  it("reports an unreadable Azurite metadata file by path, and accepts a fresh directory", () => {
    const l = fresh();
    expect(() => assertAzuriteMetadataReadable(l)).not.toThrow();
    mkdirSync(l.azurite, { recursive: true });
    writeFileSync(join(l.azurite, "__azurite_db_blob__.json"), "{garbage");
    expect(() => assertAzuriteMetadataReadable(l)).toThrow(
      `${join(l.azurite, "__azurite_db_blob__.json")} is corrupted: `,
    );
    expect(readFileSync(join(l.azurite, "__azurite_db_blob__.json"), "utf8")).toBe("{garbage");
  });

  it.each([
    ['{"cosmos":"x"}', 'cosmos: expected a port number, got "x"'],
    ["{", "is corrupted: "],
  ])("reports a bad ports.json %s", (content, message) => {
    const l = fresh();
    mkdirSync(l.root, { recursive: true });
    writeFileSync(l.ports, content);
    expect(() => readRememberedPorts(l)).toThrow(message);
  });
});

describe("assertPortsFree", () => {
  it("names the taken port, its purpose and the flag that changes it", async () => {
    const server: Server = createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    try {
      const error = await assertPortsFree([
        { port: 0, purpose: "cosmos", flag: "--cosmos-port" },
        { port, purpose: "inference", flag: "--port" },
      ]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PortInUseError);
      expect((error as Error).message).toBe(
        `port ${port} (inference) is already in use on 127.0.0.1\n  → stop what uses it, or pick another port: npm start -- --port <port>   (0 picks a free one)`,
      );
    } finally {
      server.close();
    }
  });

  it.each([
    [
      [{ port: 70000, purpose: "blob", flag: "--blob-port" }],
      "--blob-port must be an integer from 0 to 65535 (0 picks a free port), got 70000",
    ],
    [
      [
        { port: 5, purpose: "a", flag: "--port" },
        { port: 5, purpose: "b", flag: "--blob-port" },
      ],
      "--port and --blob-port are both 5; each needs its own port",
    ],
  ])("rejects bad port choices", async (wanted, message) => {
    await expect(assertPortsFree(wanted)).rejects.toThrow(message);
  });
});
