/** Pure renderers of a plan: the resource tree, the count per type and a Mermaid diagram. */
import type { PlannedResource } from "./types";

/** The identity of a resource within a plan: parents are referenced by type and name. */
function key(type: string, name: string): string {
  return `${type}::${name}`;
}

function childrenByParent(resources: readonly PlannedResource[]): Map<string, PlannedResource[]> {
  const byParent = new Map<string, PlannedResource[]>();
  for (const r of resources) {
    const parent = r.parent !== undefined && r.parentType !== undefined ? key(r.parentType, r.parent) : "";
    byParent.set(parent, [...(byParent.get(parent) ?? []), r]);
  }
  return byParent;
}

/**
 * The resource tree as indented text, one `type name` per line under its parent, rooted at the stack
 * (`<project>-<stack>`), in registration order.
 */
export function renderTree(resources: readonly PlannedResource[], root: string): string {
  const byParent = childrenByParent(resources);
  const lines = [root];
  const walk = (parent: string, prefix: string): void => {
    const children = byParent.get(parent) ?? [];
    children.forEach((child, i) => {
      const last = i === children.length - 1;
      lines.push(`${prefix}${last ? "└─ " : "├─ "}${child.type}  ${child.name}`);
      walk(key(child.type, child.name), `${prefix}${last ? "   " : "│  "}`);
    });
  };
  walk("", "");
  return lines.join("\n");
}

/** Resource count per type, sorted by type token. */
export function countByType(resources: readonly PlannedResource[]): [type: string, count: number][] {
  const counts = new Map<string, number>();
  for (const r of resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  return [...counts.entries()].sort(([a], [b]) => a.localeCompare(b));
}

/** The count table as text, with a total line. */
export function renderCounts(resources: readonly PlannedResource[]): string {
  const counts = countByType(resources);
  const width = Math.max(5, ...counts.map(([t]) => t.length));
  return [
    ...counts.map(([t, n]) => `${t.padEnd(width)}  ${String(n).padStart(4)}`),
    `${"total".padEnd(width)}  ${String(resources.length).padStart(4)}`,
  ].join("\n");
}

function isComponent(r: PlannedResource, byParent: Map<string, PlannedResource[]>): boolean {
  return (byParent.get(key(r.type, r.name))?.length ?? 0) > 0;
}

function label(type: string): string {
  return type.split(":").pop() ?? type;
}

/**
 * A Mermaid flowchart of the platform: one node per component (resources that have children),
 * labelled with its class, name and how many resources it directly owns, and an edge from each
 * component to the components it contains. Leaf resources are summarised, not drawn, so the
 * diagram of a whole platform stays readable.
 */
export function renderMermaid(resources: readonly PlannedResource[], root: string): string {
  const byParent = childrenByParent(resources);
  const ids = new Map<string, string>();
  const id = (k: string): string => {
    if (!ids.has(k)) ids.set(k, `n${ids.size}`);
    return ids.get(k) as string;
  };
  const escape = (s: string): string => s.replace(/"/g, "#quot;");
  const lines = ["flowchart TD", `  ${id("")}["${escape(root)}"]`];
  const walk = (parent: string): void => {
    for (const child of byParent.get(parent) ?? []) {
      if (!isComponent(child, byParent)) continue;
      const k = key(child.type, child.name);
      const leaves = (byParent.get(k) ?? []).filter((c) => !isComponent(c, byParent)).length;
      lines.push(
        `  ${id(k)}["${escape(label(child.type))}<br/>${escape(child.name)}<br/><small>${leaves} resources</small>"]`,
      );
      lines.push(`  ${id(parent)} --> ${id(k)}`);
      walk(k);
    }
  };
  walk("");
  const topLeaves = (byParent.get("") ?? []).filter((c) => !isComponent(c, byParent));
  if (topLeaves.length > 0) {
    lines.push(`  ${id("::leaves")}["${topLeaves.length} top-level resources"]`, `  ${id("")} --> ${id("::leaves")}`);
  }
  return lines.join("\n") + "\n";
}
