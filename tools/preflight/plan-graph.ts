/**
 * The plan as a graph: what each resource waits for. A resource waits for its explicit `dependsOn`, for
 * everything its ancestors wait for (a child registers only after its parent, which waits for its own
 * dependencies), for every descendant of a component it depends on, and transitively for all of theirs.
 */
import type { PlanResult, PlannedResource } from "../plan/types";
import { keyOf, type PlanView } from "./types";

/** Builds the {@link PlanView} of a plan result. */
export function planView(result: PlanResult, projectDir: string): PlanView {
  const byKey = new Map(result.resources.map((r) => [keyOf(r), r]));
  const children = new Map<string, string[]>();
  for (const r of result.resources) {
    if (r.parent === undefined || r.parentType === undefined) continue;
    const parent = `${r.parentType}::${r.parent}`;
    children.set(parent, [...(children.get(parent) ?? []), keyOf(r)]);
  }
  const descendants = (key: string): string[] =>
    (children.get(key) ?? []).flatMap((child) => [child, ...descendants(child)]);
  const direct = (key: string): string[] => {
    const r = byKey.get(key);
    if (r === undefined) return [];
    const own = (r.dependsOn ?? []).flatMap((d) => [d, ...descendants(d)]);
    const parent = r.parent !== undefined && r.parentType !== undefined ? [`${r.parentType}::${r.parent}`] : [];
    return [...own, ...parent];
  };
  const memo = new Map<string, Set<string>>();
  const waitsFor = (key: string): Set<string> => {
    const cached = memo.get(key);
    if (cached !== undefined) return cached;
    const seen = new Set<string>();
    memo.set(key, seen);
    for (const d of direct(key)) {
      // A parent is not itself awaited (it registers first); what it waits for is.
      const r = byKey.get(key);
      const isParent = r?.parent !== undefined && d === `${r.parentType}::${r.parent}`;
      if (!isParent) seen.add(d);
      for (const t of waitsFor(d)) seen.add(t);
    }
    return seen;
  };
  const ids = new Map<string, PlannedResource>();
  for (const r of result.resources) {
    const id = r.computed?.id;
    if (typeof id === "string") ids.set(id.toLowerCase(), r);
  }
  return {
    result,
    byKey,
    projectDir,
    ofType: (type) => result.resources.filter((r) => r.type === type),
    waitsFor,
    byId: (id) => ids.get(id.toLowerCase()),
  };
}
