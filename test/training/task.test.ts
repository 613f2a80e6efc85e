/** The task a label means, decided as scikit-learn's type_of_target does, and the errors that name --task. */
import { describe, expect, it } from "vitest";
import { decideTask, type LabelProfile } from "../../services/training/src/ml/task.js";
import type { Algorithm, Task } from "../../services/training/src/ml/model.js";

const p = (type: LabelProfile["type"], distinct: number, rows = 1000): LabelProfile => ({ type, distinct, rows });

describe("decideTask", () => {
  it.each<[LabelProfile, { task?: Task; algorithm?: Algorithm }, Task]>([
    [p("integer", 2), {}, "classification"], // a 0/1 label
    [p("integer", 2), { algorithm: "logistic" }, "classification"],
    [p("integer", 7), { algorithm: "forest" }, "classification"],
    [p("integer", 7), { algorithm: "linear" }, "regression"], // a regressor on few integers: counts
    [p("integer", 300), {}, "regression"], // many distinct integers: a quantity
    [p("integer", 300), { algorithm: "mlp" }, "classification"], // ambiguous + a classifier: classes
    [p("string", 3), {}, "classification"],
    [p("boolean", 2), {}, "classification"],
    [p("number", 500), {}, "regression"],
    [p("number", 2), { task: "regression" }, "regression"],
    [p("integer", 2), { task: "regression" }, "regression"],
  ])("%j with %j → %s", (profile, requested, task) => {
    expect(decideTask("y", profile, requested).task).toBe(task);
  });
  it.each<[LabelProfile, { task?: Task; algorithm?: Algorithm }, string]>([
    [p("string", 3), { task: "regression" }, '--task: regression needs a numeric label; "y" is string'],
    [p("number", 40), { task: "classification" }, '--task: "y" holds non-integer numbers (continuous)'],
    [p("integer", 1), {}, '--task: label "y" has a single value'],
    [p("integer", 5000, 10000), { algorithm: "logistic" }, "too many classes for logistic (use --task regression)"],
    [p("string", 0, 0), {}, '--task: label "y" has no values'],
  ])("%j with %j fails: %s", (profile, requested, message) => {
    expect(() => decideTask("y", profile, requested)).toThrow(message);
  });
});
