/**
 * The component provider (provider/PulumiPlugin.yaml): its package schema lists every component of
 * components/ with its inputs and outputs, and `construct` builds a component from plain inputs.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PlatformComponentProvider } from "../../provider/platform-provider";
import type { PackageSchema, PropertySpec } from "../../provider/schema";
import { installMocks, registered, unwrap } from "../support/pulumi-mocks";

const root = path.join(__dirname, "..", "..");
let schema: PackageSchema;

/** Every `export class X extends pulumi.ComponentResource` in components/, with the token it registers. */
function componentsInSource(): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith(".ts")) {
        const text = fs.readFileSync(file, "utf8");
        for (const m of text.matchAll(/export class (\w+) extends pulumi\.ComponentResource[\s\S]*?super\("([^"]+)"/g))
          found.set(m[1]!, m[2]!);
      }
    }
  };
  walk(path.join(root, "components"));
  return found;
}

beforeAll(async () => {
  schema = JSON.parse(await new PlatformComponentProvider("0.1.0").getSchema()) as PackageSchema;
}, 120_000);

describe("the component provider's schema", () => {
  it("is a plugin the Node.js runtime runs", () => {
    expect(parse(fs.readFileSync(path.join(root, "provider", "PulumiPlugin.yaml"), "utf8"))).toEqual({
      runtime: { name: "nodejs", options: { typescript: true } },
    });
    expect(JSON.parse(fs.readFileSync(path.join(root, "provider", "package.json"), "utf8")).main).toBe("index.ts");
  });

  it("lists every component in components/ under the token it registers", () => {
    const source = componentsInSource();
    expect(source.size).toBeGreaterThanOrEqual(15);
    expect(Object.keys(schema.resources).sort()).toEqual([...source.values()].sort());
    expect(schema.name).toBe("ai-platform");
    for (const spec of Object.values(schema.resources)) expect(spec.isComponent).toBe(true);
  });

  it("describes each component's inputs (required ones marked) and outputs", () => {
    const cosmos = schema.resources["ai-platform:data:CosmosDb"]!;
    expect(cosmos.requiredInputs.sort()).toEqual(["location", "resourceGroupName"]);
    expect(Object.keys(cosmos.inputProperties)).toEqual(
      expect.arrayContaining([
        "backupTier",
        "privateEndpoint",
        "diagnosticSettings",
        "lock",
        "roleAssignments",
        "dataPlaneRoleAssignments",
        "tags",
      ]),
    );
    expect(cosmos.inputProperties.backupTier).toMatchObject({
      type: "string",
      description: expect.stringContaining("One of: Continuous7Days, Continuous30Days."),
    });
    expect(cosmos.inputProperties.privateEndpoint).toMatchObject({
      $ref: "#/types/ai-platform:index:PrivateEndpointTarget",
    });
    expect(cosmos.properties).toMatchObject({
      accountId: { type: "string" },
      endpoint: { type: "string" },
      accountName: { type: "string" },
    });
    expect(schema.types["ai-platform:index:PrivateEndpointTarget"]).toMatchObject({
      required: ["subnetId", "privateDnsZoneId"],
    });

    const platform = schema.resources["ai-platform:index:AiPlatform"]!;
    expect(platform.requiredInputs.sort()).toEqual(["cluster", "location"]);
    expect(platform.required).toEqual(expect.arrayContaining(["cosmosEndpoint", "registryLoginServer", "kubeconfig"]));
    expect(platform.required).not.toContain("inferenceImage");

    // A TypeScript-only function input (the test hook for the ACR token exchange) is left out.
    expect(Object.keys(schema.resources["ai-platform:images:ContainerImage"]!.inputProperties)).not.toContain(
      "tokenExchange",
    );

    for (const [token, spec] of Object.entries(schema.resources)) {
      expect(Object.keys(spec.properties).length, `${token} outputs`).toBeGreaterThan(0);
      for (const key of spec.requiredInputs) expect(spec.inputProperties, `${token}.${key}`).toHaveProperty(key);
    }
  });

  it("has no dangling type reference", () => {
    const refs: string[] = [];
    const collect = (p: PropertySpec): void => {
      if ("$ref" in p) refs.push(p.$ref);
      if ("items" in p) collect(p.items);
      if ("additionalProperties" in p && p.additionalProperties) collect(p.additionalProperties);
    };
    for (const spec of Object.values(schema.resources))
      [...Object.values(spec.inputProperties), ...Object.values(spec.properties)].forEach(collect);
    for (const t of Object.values(schema.types)) Object.values(t.properties).forEach(collect);
    const missing = refs.filter(
      (r) => r !== "pulumi.json#/Any" && schema.types[r.replace("#/types/", "")] === undefined,
    );
    expect(missing).toEqual([]);
    expect(refs.length).toBeGreaterThan(20);
  });
});

describe("the plugin process", () => {
  it("serves the same schema over the Pulumi provider protocol (what `pulumi package add` calls)", async () => {
    // grpc-js and the generated stubs as @pulumi/pulumi itself loads them.
    const fromPulumi = createRequire(require.resolve("@pulumi/pulumi"));
    const grpc = fromPulumi("@grpc/grpc-js") as { credentials: { createInsecure(): unknown } };
    const services = fromPulumi("./proto/provider_grpc_pb") as {
      ResourceProviderClient: new (address: string, credentials: unknown) => any;
    };
    const messages = fromPulumi("./proto/provider_pb") as {
      GetSchemaRequest: new () => { setVersion(v: number): void };
    };
    const plugin = spawn(process.execPath, ["--import", "tsx", "index.ts"], {
      cwd: path.join(root, "provider"),
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      const port = await new Promise<string>((resolve, reject) => {
        plugin.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
        plugin.once("exit", (code) => reject(new Error(`provider exited with ${String(code)}`)));
      });
      expect(port).toMatch(/^\d+$/);
      const client = new services.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
      const request = new messages.GetSchemaRequest();
      request.setVersion(0);
      const served = await new Promise<PackageSchema>((resolve, reject) => {
        client.getSchema(request, (error: Error | null, response: { getSchema(): string }) =>
          error ? reject(error) : resolve(JSON.parse(response.getSchema()) as PackageSchema),
        );
      });
      client.close();
      expect(Object.keys(served.resources).sort()).toEqual(Object.keys(schema.resources).sort());
      expect(served.version).toBe("0.1.0");
    } finally {
      plugin.kill();
    }
  }, 120_000);
});

describe("construct", () => {
  it("builds the requested component from plain inputs and returns its outputs", async () => {
    await installMocks();
    const provider = new PlatformComponentProvider("0.1.0");
    const result = await provider.construct(
      "team-kv",
      "ai-platform:security:KeyVault",
      { resourceGroupName: "rg-team", location: "westeurope", tenantId: "t" },
      {},
    );
    expect(Object.keys(result.state).sort()).toEqual(["vaultId", "vaultName", "vaultUri"]);
    expect(await unwrap(result.state.vaultUri as string)).toMatch(/^https:\/\/team-kv-[a-z0-9]+\.vault\.azure\.net\/$/);
    expect(registered("azure-native:keyvault:Vault")).toHaveLength(1);
    await expect(provider.construct("x", "ai-platform:index:Nope", {}, {})).rejects.toThrow(
      /^unknown component type ai-platform:index:Nope \(known: /,
    );
  }, 120_000);
});
