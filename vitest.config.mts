import { defineConfig } from "vitest/config";

// One runner for every workspace. Suites that start servers bind random ports on 127.0.0.1.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
