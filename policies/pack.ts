/** Name and version of the policy pack, shared by `index.ts` and the offline check. */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The pack name shown by `pulumi preview --policy-pack policies`. */
export const PACK_NAME = "ai-platform-guardrails";

/** The pack version: `policies/package.json` `version` (the CLI requires one). */
export const PACK_VERSION: string = (
  JSON.parse(readFileSync(join(__dirname, "package.json"), "utf8")) as { version: string }
).version;
