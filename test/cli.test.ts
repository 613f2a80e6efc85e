import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const bin = join(__dirname, "..", "cli", "ai-platform.mjs");

describe("npx ai-platform", () => {
  it("lists every user-facing command in --help", () => {
    const help = execFileSync(process.execPath, [bin, "--help"], { encoding: "utf8" });
    for (const command of ["start", "ingest", "serve", "plan", "check", "bench"]) {
      expect(help).toMatch(new RegExp(`^\\s+${command}\\b`, "m"));
    }
  });
});
