/** The shapes of the first-deploy preflight: what a rule sees and what it reports. */
import type { PlanResult, PlannedResource } from "../plan/types";

/** The rule classes; one file per class. */
export type RuleClass = "names" | "grants" | "combinations" | "ordering";

/** One problem that would fail (or silently break) a first `pulumi up`. */
export interface Finding {
  /** `<type>::<logical name>` of the resource at fault. */
  resource: string;
  /** Rule id, `<class>/<rule>`. */
  rule: string;
  /** What is wrong. */
  why: string;
  /** Public source of the fact the rule relies on. */
  source: string;
  /** What to change. */
  fix: string;
}

/** A plan as the rules read it (see `plan-graph.ts`). */
export interface PlanView {
  readonly result: PlanResult;
  /** Every resource by `<type>::<name>`. */
  readonly byKey: ReadonlyMap<string, PlannedResource>;
  /** Resources of one type. */
  ofType(type: string): PlannedResource[];
  /** Everything `key` waits for before it is created: explicit `dependsOn`, expanded and transitive. */
  waitsFor(key: string): ReadonlySet<string>;
  /** The resource with this ARM id (its computed `id`). */
  byId(id: string): PlannedResource | undefined;
  /** Directory of the program (Dockerfiles are read from there). */
  readonly projectDir: string;
}

/** A rule: reads the plan, returns its findings. */
export type Rule = (plan: PlanView) => Finding[];

/** `<type>::<name>` of a resource. */
export function keyOf(r: Pick<PlannedResource, "type" | "name">): string {
  return `${r.type}::${r.name}`;
}
