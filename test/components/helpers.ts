/**
 * Helpers for the component suites: run a constructor under fresh mocks and return every registration,
 * and diff two runs so a test can prove an opt-out changes exactly one property.
 */
import { allRegistered, installMocks, type RegisteredResource } from "../support/pulumi-mocks";

/** Waits until no new resource has been registered for several event-loop turns. */
export async function settleAll(): Promise<void> {
  let seen = -1;
  let quiet = 0;
  while (quiet < 10) {
    await new Promise((resolve) => setImmediate(resolve));
    const count = allRegistered().length;
    quiet = count === seen ? quiet + 1 : 0;
    seen = count;
  }
}

/** Installs fresh mocks, runs `construct`, waits for every registration, and returns them with its result. */
export async function record<T>(construct: () => T): Promise<{ result: T; resources: RegisteredResource[] }> {
  await installMocks();
  const result = construct();
  await settleAll();
  return { result, resources: [...allRegistered()] };
}

/** The registrations of one type token, sorted by logical name (registration order depends on output timing). */
export function ofType(resources: readonly RegisteredResource[], type: string): RegisteredResource[] {
  return resources.filter((r) => r.type === type).sort((a, b) => a.name.localeCompare(b.name));
}

/** The one registration of `type` named `name`; fails when it is missing. */
export function named(resources: readonly RegisteredResource[], type: string, name: string): RegisteredResource {
  const found = resources.find((r) => r.type === type && r.name === name);
  if (found === undefined) {
    const names = resources.filter((r) => r.type === type).map((r) => r.name);
    throw new Error(`no ${type} named ${name}; registered: ${names.join(", ") || "none"}`);
  }
  return found;
}

/** How many registrations of each type token, for exact child counts. */
export function countByType(resources: readonly RegisteredResource[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return counts;
}

function diffValues(path: string, a: unknown, b: unknown, out: string[]): void {
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  if (isObject(a) && isObject(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)]))
      diffValues(`${path}.${key}`, a[key], b[key], out);
    return;
  }
  out.push(path);
}

/**
 * Every input path that differs between two runs, as `<type>::<name>.<path>`, plus `+<type>::<name>` for a
 * resource only the second run has and `-<type>::<name>` for one only the first has.
 */
export function diffRuns(before: readonly RegisteredResource[], after: readonly RegisteredResource[]): string[] {
  const key = (r: RegisteredResource) => `${r.type}::${r.name}`;
  const beforeByKey = new Map(before.map((r) => [key(r), r]));
  const afterByKey = new Map(after.map((r) => [key(r), r]));
  const out: string[] = [];
  for (const [k, r] of beforeByKey) {
    const other = afterByKey.get(k);
    if (other === undefined) out.push(`-${k}`);
    else diffValues(k, r.inputs, other.inputs, out);
  }
  for (const k of afterByKey.keys()) if (!beforeByKey.has(k)) out.push(`+${k}`);
  return out.sort();
}

/**
 * Memoizes a build by its arguments (as JSON), so a suite constructs each configuration once: mock
 * construction costs about half a second per component. Tests that compare two genuine runs (stable
 * role-assignment names) call the unmemoized builder.
 */
export function memoize<F extends (...args: any[]) => Promise<unknown>>(build: F): F {
  const cache = new Map<string, ReturnType<F>>();
  return ((...args: Parameters<F>) => {
    const key = JSON.stringify(args);
    let run = cache.get(key);
    if (run === undefined) {
      run = build(...args) as ReturnType<F>;
      cache.set(key, run);
    }
    return run;
  }) as unknown as F;
}
