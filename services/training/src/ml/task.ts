/**
 * Which task a label means, decided the way scikit-learn's `type_of_target` does: text and boolean labels are
 * classes; integer labels with few distinct values are classes; non-integer numbers are continuous (regression).
 * An integer label with many distinct values is ambiguous: a classifier-only algorithm means classification,
 * anything else regression. When nothing fits, the error names `--task`.
 */
import type { ColumnType } from "../data/schema.js";
import type { Algorithm, Task } from "./model.js";

/** At most this many distinct integer values (and at most half the rows) make an integer label a class label. */
export const maxIntegerClasses = 20;
/** A classifier on an ambiguous integer label accepts at most this many classes. */
export const maxClasses = 1000;

/** What the label looks like. */
export interface LabelProfile {
  type: ColumnType;
  /** Distinct non-missing values. */
  distinct: number;
  /** Non-missing values. */
  rows: number;
}

/** The decided task and why, for the training log and report. */
export interface TaskDecision {
  task: Task;
  reason: string;
}

const classifiersOnly: readonly Algorithm[] = ["logistic", "mlp"];
const regressorsOnly: readonly Algorithm[] = ["linear"];

/** Decides the task from the label (and the algorithm, for ambiguous integer labels); throws naming `--task`. */
export function decideTask(
  label: string,
  p: LabelProfile,
  requested: { task?: Task; algorithm?: Algorithm },
): TaskDecision {
  const fail = (why: string): never => {
    throw new Error(`--task: ${why}`);
  };
  if (p.rows === 0) fail(`label "${label}" has no values`);
  const text = p.type === "string" || p.type === "boolean" || p.type === "datetime";
  const numeric = !text;
  if (requested.task === "regression" && !numeric)
    fail(`regression needs a numeric label; "${label}" is ${p.type} (use --task classification)`);
  if (requested.task === "classification" && p.type === "number")
    fail(`"${label}" holds non-integer numbers (continuous); classification needs classes (use --task regression)`);
  if (requested.task) return { task: requested.task, reason: "--task" };
  if (p.distinct < 2) fail(`label "${label}" has a single value; neither classification nor regression can learn it`);
  if (text) return { task: "classification", reason: `${p.type} label` };
  if (p.type === "number") return { task: "regression", reason: "non-integer numeric label (continuous)" };
  const few = p.distinct <= maxIntegerClasses && p.distinct <= Math.max(2, p.rows / 2);
  const algo = requested.algorithm;
  if (few && !(algo && regressorsOnly.includes(algo)))
    return { task: "classification", reason: `integer label with ${p.distinct} distinct values` };
  if (algo && classifiersOnly.includes(algo)) {
    if (p.distinct > maxClasses)
      fail(`"${label}" has ${p.distinct} distinct integers, too many classes for ${algo} (use --task regression)`);
    return { task: "classification", reason: `integer label and a classifier (${algo})` };
  }
  if (few) return { task: "regression", reason: `integer label and a regressor (${algo ?? "linear"})` };
  return { task: "regression", reason: `integer label with ${p.distinct} distinct values` };
}
