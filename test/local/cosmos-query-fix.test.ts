/**
 * The emulator's query engine, made linear: every query kind gives exactly the rows the library's own compiled code
 * gives, and the compiled code no longer copies its accumulator per document.
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { linearizeEmulatorQueries } from "../../local/cosmos-query-fix";

const emulatorMain = createRequire(__filename).resolve("@vercel/cosmosdb-server");
const load = createRequire(createRequire(emulatorMain).resolve("@zeit/cosmosdb-query"));
const query = (load("@zeit/cosmosdb-query") as { default: (sql: string) => Query }).default;
const transform = (load("./transformer") as { default: (ast: unknown) => object }).default;
const generate = (load("@babel/generator") as { default: (ast: object) => { code: string } }).default;
const execute = (load("./executor") as { default: (docs: unknown[], o: object) => unknown }).default;

interface Query {
  ast: unknown;
  code: string;
  exec(docs: unknown[], o: object): unknown;
}

/** The code the library compiles on its own (before the fix). */
const originalCode = (sql: string): string => generate(transform(query(sql).ast)).code;

const docs = Array.from({ length: 60 }, (_, i) => ({
  id: `d${i}`,
  _rid: `rid${String(i).padStart(3, "0")}`,
  dataset: i % 3 === 0 ? "iris" : "other",
  n: (i * 37) % 11,
  tags: i % 4 === 0 ? [] : [`t${i % 5}`, `t${i % 2}`],
  children: i % 5 === 0 ? undefined : [{ name: `c${i}`, pets: [{ kind: i % 2 ? "cat" : "dog" }] }],
  values: { x: i / 10 },
}));

const queries = [
  "SELECT * FROM c",
  "SELECT TOP 1 c['values'] FROM c WHERE c.dataset = @d",
  "SELECT c.id, c.n FROM c WHERE c.dataset = @d AND c.n > 3 ORDER BY c.n DESC",
  "SELECT VALUE COUNT(1) FROM c WHERE c.dataset = @d",
  "SELECT c.id, t FROM c JOIN t IN c.tags WHERE t = 't1'",
  "SELECT c.id, p.kind FROM c JOIN ch IN c.children JOIN p IN ch.pets",
  "SELECT c.id FROM c JOIN c.children",
  "SELECT VALUE c.id FROM c WHERE ARRAY_CONTAINS(c.tags, 't2')",
];

describe("linear emulator queries", () => {
  linearizeEmulatorQueries(emulatorMain);

  it.each(queries)("%s: same rows as the library's own code, without copying the accumulator", (sql) => {
    const options = { parameters: [{ name: "@d", value: "iris" }] };
    const expected = execute(docs, { code: originalCode(sql), ...options });
    expect(originalCode(sql)).toContain("[...$");
    const fixed = query(sql);
    expect(fixed.code).not.toContain("[...$");
    expect(fixed.code).toContain("$h.append($");
    expect(fixed.exec(docs, options)).toEqual(expected);
    expect(JSON.stringify(expected).length).toBeGreaterThan(20); // each query returns something to compare
  });

  it("pages the same way (continuation tokens included)", () => {
    const sql = "SELECT * FROM c WHERE c.dataset = 'other'";
    const page = (code: string | undefined, continuation?: unknown) =>
      code === undefined
        ? (query(sql).exec(docs, { maxItemCount: 7, continuation }) as { result: unknown[]; continuation: unknown })
        : (execute(docs, { code, maxItemCount: 7, continuation }) as { result: unknown[]; continuation: unknown });
    let a = page(originalCode(sql));
    let b = page(undefined);
    let pages = 1;
    while (a.continuation) {
      expect(b).toEqual(a);
      a = page(originalCode(sql), a.continuation);
      b = page(undefined, b.continuation);
      pages += 1;
    }
    expect(b).toEqual(a);
    expect(pages).toBe(6); // 40 rows, 7 a page
  });
});
