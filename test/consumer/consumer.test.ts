/**
 * The package as another team consumes it: `npm pack` (which runs `prepack`, compiling the
 * components to dist/), the tarball installed by name into a temporary Pulumi program that uses
 * two components on their own, type-checked with the package's published types, and planned
 * under mocks.
 *
 * Offline: the tarball is unpacked into the consumer's node_modules/ai-platform exactly as npm
 * lays a package out, and its dependencies resolve from this repository's node_modules (the
 * consumer lives under the git-ignored .tmp/), so no registry is needed.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planStack, type PlannedResource } from "../../tools/plan/plan";

const root = path.join(__dirname, "..", "..");
const work = path.join(root, ".tmp", `consumer-${process.pid}`);
const consumer = path.join(work, "consumer");
let tarball = "";
let files: string[] = [];

const program = `import * as pulumi from "@pulumi/pulumi";
import * as resources from "@pulumi/azure-native/resources";
import { CosmosDb, KeyVault, type CosmosDbArgs } from "ai-platform";

const config = new pulumi.Config();
const location = config.require("location");
const rg = new resources.ResourceGroup("team-rg", { location });
const subnetId = config.require("subnetId");

const cosmosArgs: CosmosDbArgs = {
  resourceGroupName: rg.name,
  location,
  privateEndpoint: { subnetId, privateDnsZoneId: config.require("cosmosZoneId") },
};
const cosmos = new CosmosDb("team-cosmos", cosmosArgs);
const vault = new KeyVault("team-kv", {
  resourceGroupName: rg.name,
  location,
  privateEndpoint: { subnetId, privateDnsZoneId: config.require("vaultZoneId") },
});

export const cosmosEndpoint = cosmos.endpoint;
export const vaultUri = vault.vaultUri;
`;

beforeAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(path.join(consumer, "node_modules", "ai-platform"), { recursive: true });
  const packed = JSON.parse(
    execFileSync("npm", ["pack", "--json", "--pack-destination", work], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }),
  ) as { filename: string; files: { path: string }[] }[];
  tarball = path.join(work, packed[0]!.filename);
  files = packed[0]!.files.map((f) => f.path);
  execFileSync("tar", [
    "-xzf",
    tarball,
    "-C",
    path.join(consumer, "node_modules", "ai-platform"),
    "--strip-components=1",
  ]);
  fs.writeFileSync(
    path.join(consumer, "package.json"),
    JSON.stringify({ name: "team-stack", private: true, dependencies: { "ai-platform": `file:${tarball}` } }, null, 2),
  );
  fs.writeFileSync(
    path.join(consumer, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        module: "NodeNext",
        moduleResolution: "NodeNext",
        target: "ES2022",
        noEmit: true,
        skipLibCheck: true,
        types: [],
      },
      include: ["index.ts"],
    }),
  );
  fs.writeFileSync(path.join(consumer, "index.ts"), program);
  fs.writeFileSync(
    path.join(consumer, "Pulumi.yaml"),
    "name: team-stack\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n",
  );
  const zone = (z: string) => `/subscriptions/s/resourceGroups/net/providers/Microsoft.Network/privateDnsZones/${z}`;
  fs.writeFileSync(
    path.join(consumer, "Pulumi.test.yaml"),
    [
      "config:",
      "  team-stack:location: westeurope",
      "  team-stack:subnetId: /subscriptions/s/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v/subnets/pe",
      `  team-stack:cosmosZoneId: ${zone("privatelink.documents.azure.com")}`,
      `  team-stack:vaultZoneId: ${zone("privatelink.vaultcore.azure.net")}`,
      "",
    ].join("\n"),
  );
}, 120_000);

afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

describe("the packed package in a consumer program", () => {
  it("ships the compiled components with their types and nothing else of the repository", () => {
    expect(files).toContain("dist/components/index.js");
    expect(files).toContain("dist/components/index.d.ts");
    expect(files).toContain("dist/components/cosmos-db.d.ts");
    expect(
      files.filter((f) => /^(test|stacks|services|local|tools|policies)\//.test(f) || f.endsWith(".test.js")),
    ).toEqual([]);
    expect(files.filter((f) => f.startsWith("components/"))).toEqual([]);
  });

  it("installs into a fresh project with its peers and at most 300 packages", () => {
    // Resolved by npm against the registry (metadata only, nothing is downloaded or run): what
    // `npm install ai-platform` gives another team, @pulumi/* peers included.
    const fresh = path.join(work, "fresh");
    fs.mkdirSync(fresh, { recursive: true });
    fs.writeFileSync(
      path.join(fresh, "package.json"),
      JSON.stringify({ name: "fresh-stack", private: true, dependencies: { "ai-platform": `file:${tarball}` } }),
    );
    execFileSync("npm", ["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"], {
      cwd: fresh,
      stdio: "ignore",
    });
    const lock = JSON.parse(fs.readFileSync(path.join(fresh, "package-lock.json"), "utf8")) as {
      packages: Record<string, { version?: string }>;
    };
    const installed = Object.keys(lock.packages).filter((p) => p.startsWith("node_modules/"));
    for (const peer of ["@pulumi/pulumi", "@pulumi/azure-native", "@pulumi/kubernetes"])
      expect(installed).toContain(`node_modules/${peer}`);
    for (const toolingOnly of ["azurite", "@vercel/cosmosdb-server", "tsx", "ts-node", "commander", "vitest"])
      expect(installed).not.toContain(`node_modules/${toolingOnly}`);
    expect(installed.length).toBeLessThanOrEqual(300);
  }, 300_000);

  it("type-checks against the published types", () => {
    const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
    const run = (): string => {
      try {
        return execFileSync(process.execPath, [tsc, "-p", consumer], { encoding: "utf8" });
      } catch (error) {
        return String((error as { stdout?: string }).stdout ?? error);
      }
    };
    expect(run()).toBe("");
  });

  it("plans under mocks with exactly the two components and their children", async () => {
    const resources: PlannedResource[] = await planStack("test", { projectDir: consumer });
    const top = resources
      .filter((r) => r.parent === undefined)
      .map((r) => `${r.type} ${r.name}`)
      .sort();
    expect(top).toEqual([
      "ai-platform:data:CosmosDb team-cosmos",
      "ai-platform:security:KeyVault team-kv",
      "azure-native:resources:ResourceGroup team-rg",
    ]);
    const account = resources.find((r) => r.type === "azure-native:cosmosdb:DatabaseAccount");
    expect(account?.parent).toBe("team-cosmos");
    expect(account?.inputs).toMatchObject({ publicNetworkAccess: "Disabled", disableLocalAuth: true });
    const vault = resources.find((r) => r.type === "azure-native:keyvault:Vault");
    expect(vault?.parent).toBe("team-kv");
    expect(resources.filter((r) => r.type === "azure-native:network:PrivateEndpoint")).toHaveLength(2);
    expect(resources.filter((r) => r.type.startsWith("kubernetes:") || r.type.includes("containerservice"))).toEqual(
      [],
    );
  });
});
