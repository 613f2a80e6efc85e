import { describe, expect, it } from "vitest";
import { runCrashIteration } from "../../bench/crash-iteration";

// kill -9 of the durable emulators during a command, restart, check (the full suite: `npm run bench -- crash`).
// Seeds 1 and 3 interrupt `train` and `promote`; `bench/crash-iteration.ts` says what each check means.
describe("kill -9 of the local data plane", () => {
  it.each([1, 3])(
    "seed %i: every acknowledged write survives, the registry stays consistent, re-running is idempotent",
    async (seed) => {
      const result = await runCrashIteration(seed);
      expect(result.acknowledged).toBeGreaterThan(0);
      expect(result.lost).toEqual([]);
      expect(result.registryProblems).toEqual([]);
      expect(result.rerunProblems).toEqual([]);
    },
    180_000,
  );
});
