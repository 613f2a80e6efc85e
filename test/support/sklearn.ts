/**
 * scikit-learn as the reference the training tests compare with: Debian's python3-sklearn
 * (`apt-get install -y python3-sklearn`), run as a child process on the same typed rows. Absent, the comparison is
 * skipped with a message saying so.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FeatureSpec } from "../../services/training/src/data/table.js";
import type { RowValues } from "../../services/training/src/data/schema.js";

/** Debian's interpreter: python3-sklearn installs into its dist-packages. */
const python = "/usr/bin/python3";

/** Why scikit-learn cannot run here, or `undefined` when it can. */
export function sklearnMissing(): string | undefined {
  const r = spawnSync(python, ["-c", "import sklearn"], { encoding: "utf8" });
  return r.status === 0 ? undefined : "scikit-learn is not installed (apt-get install -y python3-sklearn)";
}

/** What scikit-learn is asked to cross-validate. */
export interface SklearnTask {
  features: readonly FeatureSpec[];
  label: string;
  task: "classification" | "regression";
  rows: readonly RowValues[];
  folds: number;
}

const script = String.raw`
import json, sys
import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

spec = json.load(open(sys.argv[1]))
num = [f["name"] for f in spec["features"] if f["kind"] == "number"]
cat = [f["name"] for f in spec["features"] if f["kind"] == "category"]
def number(v):
    return np.nan if v is None else float(v)
X = np.empty((len(spec["rows"]), len(num) + len(cat)), dtype=object)
for i, r in enumerate(spec["rows"]):
    X[i, :len(num)] = [number(r.get(c)) for c in num]
    X[i, len(num):] = ["__missing__" if r.get(c) is None else str(r.get(c)) for c in cat]
y = [r[spec["label"]] for r in spec["rows"]]
parts = []
if num:
    parts.append(("num", make_pipeline(SimpleImputer(strategy="mean"), StandardScaler()), list(range(len(num)))))
if cat:
    parts.append(("cat", OneHotEncoder(handle_unknown="ignore"), list(range(len(num), len(num) + len(cat)))))
if spec["task"] == "classification":
    model, cv, scoring = LogisticRegression(max_iter=2000), StratifiedKFold(spec["folds"], shuffle=True, random_state=0), "accuracy"
    y = [str(v) for v in y]
else:
    model, cv, scoring = LinearRegression(), KFold(spec["folds"], shuffle=True, random_state=0), "r2"
    y = np.array(y, dtype=float)
pipe = Pipeline([("prep", ColumnTransformer(parts)), ("model", model)])
print(json.dumps(float(np.mean(cross_val_score(pipe, X, y, cv=cv, scoring=scoring)))))
`;

/** scikit-learn's cross-validated accuracy (classification) or R² (regression) of the equivalent pipeline. */
export function sklearnCrossValScore(dir: string, t: SklearnTask): number {
  const specFile = join(dir, `sklearn-${t.label.replace(/\W+/g, "_")}.json`);
  writeFileSync(specFile, JSON.stringify(t));
  const r = spawnSync(python, ["-c", script, specFile], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`scikit-learn failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim()) as number;
}
