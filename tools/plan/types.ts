/** The shapes the offline plan produces; shared by the runner, the renderers and `check --stack`. */

/** The Azure name a resource gets. */
export type PhysicalName =
  | {
      /** The program passed the name. */
      kind: "explicit";
      /** The name property it was passed in, for example `accountName`. */
      property: string;
      value: string;
    }
  | {
      /** The provider names it: the logical name plus 8 random hex characters (`pattern` shows them as `#`). */
      kind: "auto";
      property: string;
      pattern: string;
      /** Length of every name the pattern produces. */
      length: number;
    }
  | {
      /** The provider or Azure assigns it (a GUID for role assignments, a fixed name for singletons). */
      kind: "assigned";
      property: string;
      value: string;
    };

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
  /**
   * Explicit `dependsOn` of the resource as `<type>::<name>` keys, sorted. A component in the list stands for
   * all its descendants; a resource also waits for its parent's dependencies. Dependencies through inputs
   * (one resource's output in another's input) are not listed.
   */
  dependsOn?: string[];
  /** Azure name of an `azure-native` resource: the explicit name, or the provider's auto-name pattern. */
  physicalName?: PhysicalName;
  /** Inputs as the provider would receive them, outputs of other resources resolved. */
  inputs: Record<string, unknown>;
  /**
   * Scalar outputs the provider computes (the mocks' realistic values): `id`, `principalId`, `clientId`,
   * `ipAddress`…, so tools can match ARM ids and principals. Absent for non-Azure resources.
   */
  computed?: Record<string, string>;
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
