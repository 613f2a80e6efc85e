/** The placement and tagging arguments every Azure component takes. */
import type * as pulumi from "@pulumi/pulumi";

/** Where a component's resources go and how they are tagged. */
export interface PlacementArgs {
  /** Resource group that holds every child. Required: components never create or look up resource groups. */
  resourceGroupName: pulumi.Input<string>;
  /** Azure region, for example `westeurope`. Required: components never fall back to provider configuration. */
  location: pulumi.Input<string>;
  /** Tags on every child that takes tags. Defaults to none. */
  tags?: Readonly<Record<string, string>>;
}
