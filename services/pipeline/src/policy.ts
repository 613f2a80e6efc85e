/**
 * The pipeline policy of one model: what to train on, what triggers a retrain, the gate a candidate must pass and
 * the canary it goes through. Written as YAML (`npx ai-platform pipeline set <model> --file policy.yaml`),
 * validated here with zod; every problem is reported at once with its field path.
 */
import { Cron } from "croner";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

/** A duration such as `30s`, `10m`, `2h` or `1d`. */
const duration = z
  .string()
  .regex(/^[1-9][0-9]*(s|m|h|d)$/, 'must be a whole number followed by s, m, h or d, e.g. "10m"')
  .transform((s) => Number(s.slice(0, -1)) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[s.at(-1) as "s"]);

const cron = z.string().refine(
  (s) => {
    try {
      new Cron(s, { paused: true });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be a cron expression such as "0 3 * * *" or a macro such as "@daily"' },
);

/** Gate metrics and whether higher is better (the training service's test-split metrics). */
export const gateMetrics = {
  accuracy: "higher",
  f1_macro: "higher",
  roc_auc: "higher",
  log_loss: "lower",
  r2: "higher",
  mse: "lower",
  mae: "lower",
} as const;

const fraction = z.number().min(0).max(1);

const policySchema = z.strictObject({
  /** What a retrain reads and how it trains. */
  data: z.strictObject({
    dataset: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, "must be a dataset name"),
    label: z.string().min(1).optional(),
    algorithm: z.enum(["logistic", "mlp", "linear", "forest"]).optional(),
    search: z.enum(["grid", "random"]).optional(),
    trials: z.int().min(1).optional(),
    seed: z.int().default(42),
  }),
  /** When to retrain; at least one trigger. */
  triggers: z
    .strictObject({
      schedule: cron.optional(),
      newData: z
        .strictObject({
          minNewRows: z.int().min(1).optional(),
          minGrowthPercent: z.number().positive().optional(),
        })
        .refine((n) => n.minNewRows !== undefined || n.minGrowthPercent !== undefined, {
          message: "set minNewRows, minGrowthPercent or both",
        })
        .optional(),
      drift: z
        .strictObject({
          psiThreshold: z.number().positive(),
          window: duration,
          minRows: z.int().min(1).default(100),
        })
        .optional(),
    })
    .refine((t) => t.schedule !== undefined || t.newData !== undefined || t.drift !== undefined, {
      message: "set at least one of schedule, newData, drift",
    }),
  /** What a candidate must prove before any traffic reaches it. */
  gate: z.strictObject({
    metric: z.enum(Object.keys(gateMetrics) as [keyof typeof gateMetrics, ...(keyof typeof gateMetrics)[]]),
    /** How much better than production, on the same fresh held-out rows. */
    margin: z.number().min(0).default(0),
  }),
  /** The canary: steps of traffic weight, each held for its duration while the abort thresholds hold. */
  rollout: z.strictObject({
    steps: z
      .array(z.strictObject({ weight: fraction.refine((w) => w > 0, "must be above 0"), duration }))
      .min(1)
      .refine((s) => s.every((step, i) => i === 0 || step.weight >= (s[i - 1]?.weight ?? 0)), {
        message: "weights must not decrease from one step to the next",
      }),
    /** Mirror production's traffic to the candidate and count disagreement. Default true. */
    shadow: z.boolean().default(true),
    /** Requests the candidate must answer in a step before it can pass (a step without traffic proves nothing). */
    minRequests: z.int().min(0).default(20),
    abort: z.strictObject({
      maxErrorRate: fraction,
      maxP99LatencyMs: z.number().positive(),
      /** Share of shadowed requests whose outputs differ; unset: not checked (a retrained model differs by design). */
      maxDisagreement: fraction.optional(),
    }),
  }),
  /** Guardrails of the loop. */
  guardrails: z
    .strictObject({
      cooldown: duration.default(3_600_000),
      /** A phase that outlasts its expected time by this much raises the stuck-rollout alert. */
      stuckAfter: duration.default(1_800_000),
    })
    .default({ cooldown: 3_600_000, stuckAfter: 1_800_000 }),
});

/** A validated pipeline policy; durations are milliseconds. */
export type PipelinePolicy = z.output<typeof policySchema>;

/** Thrown for a policy file that is not valid; the message names every bad field. */
export class PolicyError extends Error {
  override readonly name = "PolicyError";
}

/** Validates a parsed policy object. */
export function validatePolicy(raw: unknown, source = "policy"): PipelinePolicy {
  const result = policySchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join(".") || "(top level)"}: ${i.message}`);
  throw new PolicyError(`${source} is not a valid pipeline policy:\n  ${problems.join("\n  ")}`);
}

/** Parses and validates a policy YAML (or JSON) text. */
export function parsePolicy(text: string, source = "policy"): PipelinePolicy {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new PolicyError(`${source} is not valid YAML: ${error instanceof Error ? error.message : String(error)}`);
  }
  return validatePolicy(raw, source);
}
