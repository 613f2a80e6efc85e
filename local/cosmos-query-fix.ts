/**
 * A fix for the query engine inside the local Cosmos DB emulator (`@zeit/cosmosdb-query` 0.7.2, the latest, used by
 * `@vercel/cosmosdb-server` 1.0.1). It compiles `FROM` and `JOIN` into `reduce(($, c) => [...$, row], [])`, which
 * copies the accumulated array for every document: quadratic in the container's size. A query over 20,000 rows took
 * seconds; over the 200,000 rows of one ingested file it ran for more than five minutes, and `npm start` hung on its
 * first query after a restart. Here the compiled syntax tree is rewritten before code generation so each of those
 * steps appends in place (`$h.append($, [row])`): the same rows in the same order, in linear time.
 *
 * Note: it reads the library's internals (the `Query` class's lazy `code` getter, its transformer and helpers);
 * {@link linearizeEmulatorQueries} checks their shape and fails with a precise message if an upgrade changed them.
 */
import { createRequire } from "node:module";

/** An ESTree/Babel node, as the library's transformer builds them. */
type Node = { type: string; [key: string]: unknown };

interface QueryInternals {
  ast: unknown;
  _code: string | null;
}

const isNode = (v: unknown): v is Node => typeof v === "object" && v !== null && typeof (v as Node).type === "string";

/** `[...$, a, b]` (an accumulator copied to add rows) → `$h.append($, [a, b])` (the rows appended in place). */
function appendInPlace(node: Node): Node | undefined {
  if (node.type !== "ArrayExpression") return undefined;
  const [first, ...rest] = node.elements as (Node | null)[];
  const spread = first?.type === "SpreadElement" ? (first.argument as Node) : undefined;
  if (spread?.type !== "Identifier" || spread.name !== "$") return undefined;
  return {
    type: "CallExpression",
    callee: {
      type: "MemberExpression",
      object: { type: "Identifier", name: "$h" },
      property: { type: "Identifier", name: "append" },
      computed: false,
    },
    arguments: [
      { type: "Identifier", name: "$" },
      { type: "ArrayExpression", elements: rest },
    ],
  };
}

/** Rewrites every accumulator copy in the tree below `node`, in place. */
export function rewriteAccumulators(node: Node): void {
  for (const [key, value] of Object.entries(node)) {
    if (Array.isArray(value)) {
      value.forEach((child: unknown, i) => {
        if (!isNode(child)) return;
        const replaced = appendInPlace(child);
        if (replaced) value[i] = replaced;
        rewriteAccumulators(replaced ?? child);
      });
    } else if (isNode(value)) {
      const replaced = appendInPlace(value);
      if (replaced) node[key] = replaced;
      rewriteAccumulators(replaced ?? value);
    }
  }
}

/**
 * Makes the emulator's queries linear in the number of documents. `emulatorMain` is the resolved entry of
 * `@vercel/cosmosdb-server`; its own copy of the query library is patched. Idempotent.
 */
export function linearizeEmulatorQueries(emulatorMain: string): void {
  const fromEmulator = createRequire(emulatorMain);
  const queryMain = fromEmulator.resolve("@zeit/cosmosdb-query");
  const load = createRequire(queryMain);
  const makeQuery = (load(queryMain) as { default: (sql: string) => object }).default;
  const transform = (load("./transformer") as { default: (ast: unknown) => Node }).default;
  const generate = (load("@babel/generator") as { default: (ast: Node) => { code: string } }).default;
  const helpers = load("./helpers") as { append?: (acc: unknown[], rows: unknown[]) => unknown[] };
  const proto = Object.getPrototypeOf(makeQuery("SELECT * FROM c")) as object;
  const descriptor = Object.getOwnPropertyDescriptor(proto, "code");
  if (typeof descriptor?.get !== "function" || typeof transform !== "function" || typeof generate !== "function")
    throw new Error(
      "@zeit/cosmosdb-query changed: its Query.code getter, transformer or generator is not where expected",
    );
  if (helpers.append) return;
  helpers.append = (acc, rows) => {
    for (const row of rows) acc.push(row);
    return acc;
  };
  Object.defineProperty(proto, "code", {
    configurable: true,
    get(this: QueryInternals): string {
      if (!this._code) {
        const tree = transform(this.ast);
        rewriteAccumulators(tree);
        this._code = generate(tree).code;
      }
      return this._code;
    },
  });
}
