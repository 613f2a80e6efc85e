/**
 * Policy configuration: the schema defaults that the Pulumi CLI fills in before `getConfig()`.
 *
 * The CLI validates a pack config against each policy's `configSchema` and fills in the schema
 * defaults; outside the CLI nobody does. Rules therefore read their config through `withDefaults`,
 * so the defaults live in exactly one place (the schema) and a rule behaves the same everywhere.
 */
import { type PolicyConfigSchema } from "@pulumi/policy";

/** The top-level `default` of every property of a policy config schema. */
export function schemaDefaults(schema: PolicyConfigSchema | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(schema?.properties ?? {})) {
    const d = (prop as { default?: unknown }).default;
    if (d !== undefined) out[key] = structuredClone(d);
  }
  return out;
}

/** `config` over the schema defaults (a configured value, even `false` or `[]`, wins). */
export function withDefaults<T>(schema: PolicyConfigSchema | undefined, config: object): T {
  return { ...schemaDefaults(schema), ...config } as T;
}
