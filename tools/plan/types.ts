/** The shapes the offline plan produces; shared by the runner, the renderers and `check --stack`. */

/** One resource the program registered, as the offline plan saw it. */
export interface PlannedResource {
  /** Type token, for example `azure-native:cosmosdb:DatabaseAccount`. */
  type: string;
  /** Logical (Pulumi) name. */
  name: string;
  /** Logical name of the parent resource; absent for resources parented to the stack. */
  parent?: string;
  /** Type token of the parent resource; absent with `parent`. */
  parentType?: string;
  /** Inputs as the provider would receive them, outputs of other resources resolved. */
  inputs: Record<string, unknown>;
}

/** Everything one plan produced. */
export interface PlanResult {
  /** Project name from `Pulumi.yaml`. */
  project: string;
  /** Stack name. */
  stack: string;
  /** Every resource in registration order (the stack resource itself excluded). */
  resources: PlannedResource[];
  /** Stack outputs; secret outputs read `"[secret]"`. */
  outputs: Record<string, unknown>;
}
