/**
 * Exemptions: resource-name patterns, each with a written reason, for rules that allow them.
 *
 * Only rules marked `exemptible` accept the `exemptions` config key; the hard baseline (public
 * exposure, local auth, privileged pods) cannot be exempted. An exempted resource is reported by the
 * engine as "not applicable" with the reason, so the exemption stays visible in every run.
 */

/** One exemption as written in a policy-pack config file. */
export interface Exemption {
  /** Regular expression matched against the whole Pulumi logical resource name (anchored). */
  pattern: string;
  /** Why the resource may break the rule, and who approved it (ticket, ADR). Required. */
  reason: string;
}

/** The JSON schema fragment that exemptible rules add to their `configSchema`. */
export const exemptionsSchema = {
  type: "array",
  description: "Resources exempted from this rule: a name pattern (anchored regular expression) and the reason.",
  default: [],
  items: {
    type: "object",
    properties: {
      pattern: { type: "string", minLength: 1 },
      reason: { type: "string", minLength: 10 },
    },
    required: ["pattern", "reason"],
    additionalProperties: false,
  },
} as const;

/** The first exemption whose pattern matches `resourceName` in full, or `undefined`. */
export function findExemption(
  resourceName: string,
  exemptions: readonly Exemption[] | undefined,
): Exemption | undefined {
  for (const e of exemptions ?? []) {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${e.pattern})$`);
    } catch (err) {
      throw new Error(
        `exemptions: pattern ${JSON.stringify(e.pattern)} is not a valid regular expression: ${(err as Error).message}`,
        { cause: err },
      );
    }
    if (re.test(resourceName)) return e;
  }
  return undefined;
}
