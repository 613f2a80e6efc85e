/**
 * A pause between an Azure RBAC grant and its first use. ARM returns as soon as a role assignment is
 * written, but authorization caches take minutes to see it (Azure RBAC troubleshooting: "up to 10
 * minutes"; AKS Azure-RBAC adds its own cache), so the first push, AKS create or Kubernetes call after a
 * fresh grant fails with 403/`LinkedAuthorizationFailed` and a re-run "fixes" it. Resources that use a
 * grant take `dependsOn` on the wait, which waits on the grants.
 *
 * A Pulumi dynamic resource with no dependency beyond `@pulumi/pulumi`: it sleeps on create (and when
 * `triggers` change), never on preview, refresh or delete.
 */
import * as pulumi from "@pulumi/pulumi";

/** Default pause: long enough for ARM and AKS authorization caches in practice, short next to an AKS create. */
export const DEFAULT_PROPAGATION_SECONDS = 90;

/** Arguments of {@link PropagationWait}. */
export interface PropagationWaitArgs {
  /** Seconds to wait. Defaults to {@link DEFAULT_PROPAGATION_SECONDS}; `0` makes the wait a no-op. */
  seconds?: number;
  /** Values whose change waits again (for example the principal ids granted). Defaults to none. */
  triggers?: pulumi.Input<pulumi.Input<string>[]>;
}

interface WaitInputs {
  seconds: number;
  triggers: string[];
}

const sleepProvider: pulumi.dynamic.ResourceProvider<WaitInputs, WaitInputs> = {
  async create(inputs) {
    await new Promise((resolve) => setTimeout(resolve, inputs.seconds * 1000));
    return { id: `wait-${Date.now()}`, outs: inputs };
  },
  async diff(_id, olds, news) {
    const changed = JSON.stringify(olds.triggers) !== JSON.stringify(news.triggers) || olds.seconds !== news.seconds;
    return { changes: changed, replaces: changed ? ["triggers"] : [] };
  },
};

/** Waits `seconds` after everything in `dependsOn` (the grants) before its dependents start. */
export class PropagationWait extends pulumi.dynamic.Resource {
  /** The seconds waited. */
  declare readonly seconds: pulumi.Output<number>;

  constructor(name: string, args: PropagationWaitArgs, opts?: pulumi.CustomResourceOptions) {
    const seconds = args.seconds ?? DEFAULT_PROPAGATION_SECONDS;
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > 600)
      throw new Error(`PropagationWait ${name}: seconds (${seconds}) must be a whole number from 0 to 600`);
    super(sleepProvider, name, { seconds, triggers: args.triggers ?? [] }, opts);
  }
}
