/** Shapes of the offline compliance check: its input (plan-shaped resources) and its findings. */
import { type PlannedResource } from "../plan/types";

export type { PlannedResource };

/**
 * A resource to evaluate: the plan's shape (`type`, `name`, `parent`, `inputs`), optionally with the
 * resource's `id` (used to link references by ARM id) and explicit `propertyDependencies`
 * (input key → logical names of the resources that key depends on).
 */
export interface CheckResource extends PlannedResource {
  id?: string;
  propertyDependencies?: Record<string, string[]>;
}

/** What happened when one policy met one resource (or the stack). */
export type FindingKind = "violation" | "unknown" | "remediated" | "exempt";

/** One finding, in the order the engine produced it. */
export interface Finding {
  policy: string;
  kind: FindingKind;
  /** Level the finding is reported at: `mandatory` or `advisory` (remediated: the configured `remediate`). */
  level: "mandatory" | "advisory" | "remediate";
  severity: string;
  /** Logical name of the resource (for stack policies: the resource the violation names, or `(stack)`). */
  resource: string;
  type: string;
  urn: string;
  /** What is wrong and how to fix it (for `exempt`: the exemption reason). */
  message: string;
}

/** The outcome of evaluating a pack over a set of resources. */
export interface CheckResult {
  packName: string;
  packVersion: string;
  stack: string;
  resourceCount: number;
  policyCount: number;
  findings: Finding[];
  /** Count of (policy, resource) pairs that were not applicable. */
  notApplicable: number;
  /** Mandatory violations (the exit status depends on these). */
  mandatory: number;
  advisory: number;
}
