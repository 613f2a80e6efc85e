/** `fileLines`: a file read a line at a time in 1 MB pieces gives exactly its lines, however they fall on the pieces. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fileLines } from "../../local/files";

const dir = mkdtempSync(join(tmpdir(), "file-lines-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("fileLines", () => {
  it("splits a 3 MB file of multi-byte text on its newlines, pieces' edges included", () => {
    const lines = Array.from({ length: 30_000 }, (_, i) => `${i} ${"é€😀".repeat(i % 13)} ${"x".repeat(i % 97)}`);
    const file = join(dir, "big.txt");
    writeFileSync(file, lines.join("\n") + "\n");
    const read = [...fileLines(file)];
    expect(read.every((l) => l.terminated)).toBe(true);
    expect(read.map((l) => l.text)).toEqual(lines);
  });

  it("marks a last line without its newline as not terminated, and an empty file has no lines", () => {
    writeFileSync(join(dir, "torn.txt"), "a\nb\nhalf");
    expect([...fileLines(join(dir, "torn.txt"))]).toEqual([
      { text: "a", terminated: true },
      { text: "b", terminated: true },
      { text: "half", terminated: false },
    ]);
    writeFileSync(join(dir, "empty.txt"), "");
    expect([...fileLines(join(dir, "empty.txt"))]).toEqual([]);
  });
});
