/**
 * The component provider: serves every platform component to Pulumi programs in any language.
 * `getSchema` describes them (see schema.ts); `construct` builds the requested component in this
 * process and returns its outputs, exactly as `@pulumi/pulumi`'s experimental ComponentProvider does.
 */
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import type { ConstructResult, Provider } from "@pulumi/pulumi/provider";
import * as components from "./components";
import { generateSchema, type PackageSchema } from "./schema";

type ComponentConstructor = new (
  name: string,
  args: never,
  opts?: pulumi.ComponentResourceOptions,
) => pulumi.ComponentResource;

/** The Pulumi package name; component tokens are `ai-platform:<module>:<Class>`. */
export const PACKAGE_NAME = "ai-platform";

/** Builds the package schema of every component in `provider/components.ts`. */
export function platformSchema(version: string): PackageSchema {
  return generateSchema({
    name: PACKAGE_NAME,
    version,
    description:
      "A secure AI platform on Azure: Cosmos DB, model storage, ACR, Key Vault, AKS with GPU pools, and ONNX serving.",
    entry: path.join(__dirname, "components.ts"),
    components: Object.keys(components),
  });
}

/** The provider behind `PulumiPlugin.yaml`. */
export class PlatformComponentProvider implements Provider {
  private cached?: PackageSchema;
  constructor(readonly version: string) {}

  private load(): PackageSchema {
    this.cached ??= platformSchema(this.version);
    return this.cached;
  }

  async getSchema(): Promise<string> {
    return JSON.stringify(this.load());
  }

  async construct(
    name: string,
    type: string,
    inputs: pulumi.Inputs,
    options: pulumi.ComponentResourceOptions,
  ): Promise<ConstructResult> {
    const spec = this.load().resources[type];
    const className = type.split(":")[2] ?? "";
    const ctor = (components as unknown as Record<string, ComponentConstructor>)[className];
    if (spec === undefined || ctor === undefined)
      throw new Error(`unknown component type ${type} (known: ${Object.keys(this.load().resources).join(", ")})`);
    const instance = new ctor(name, inputs as never, options) as pulumi.ComponentResource & Record<string, unknown>;
    const state = Object.fromEntries(Object.keys(spec.properties).map((key) => [key, instance[key]]));
    return { urn: instance.urn, state };
  }
}
