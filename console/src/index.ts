/**
 * `@ai-platform/console`: the platform console. `buildConsole(config, deps)` returns the fastify app;
 * `startConsole(config)` listens; `loadConsoleConfig(env)` reads the container's environment.
 */
export { buildConsole, type ConsoleDeps } from "./app.js";
export { startConsole, type RunningConsole } from "./server.js";
export { loadConsoleConfig, ConsoleConfigError, type ConsoleAccess, type ConsoleConfig } from "./config.js";
export { OPERATOR_COOKIE, type Viewer } from "./access.js";
export { sampleFromText, ratesBetween, type MetricsSample } from "./serving-metrics.js";
