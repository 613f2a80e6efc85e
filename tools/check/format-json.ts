/** The machine-readable report of `check --format json`. */
import { type CheckResult } from "./types";

/** `result` as pretty JSON with a `passed` flag first. */
export function formatJson(result: CheckResult): string {
  return JSON.stringify({ passed: result.mandatory === 0, ...result }, null, 2);
}
