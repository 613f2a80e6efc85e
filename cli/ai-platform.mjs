#!/usr/bin/env node
// The one command-line entry: `npx ai-platform <command>`. TypeScript runs through tsx, in-process.
import { register as registerEsm } from "tsx/esm/api";
import { register as registerCjs } from "tsx/cjs/api";

registerEsm();
registerCjs();
await import(new URL("./main.ts", import.meta.url).href);
