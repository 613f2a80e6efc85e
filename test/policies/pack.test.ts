import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rules } from "../../policies/rules";
import { renderRuleTable } from "../../tools/check/rules-doc";

const root = join(__dirname, "..", "..");

describe("the CrossGuard pack", () => {
  it("starts as the Pulumi CLI runs it: PolicyPack accepts every rule and serves on a port", async () => {
    // The CLI runs index.ts from the pack directory; PolicyPack prints the port of its analyzer server.
    const child = spawn(process.execPath, ["--import", "tsx", "index.ts"], {
      cwd: join(root, "policies"),
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const first = await new Promise<string>((resolve, reject) => {
        let out = "";
        let err = "";
        child.stdout.on("data", (b: Buffer) => {
          out += b.toString();
          if (out.includes("\n")) resolve(out.split("\n")[0]!);
        });
        child.stderr.on("data", (b: Buffer) => {
          err += b.toString();
        });
        child.on("exit", (code) => reject(new Error(`pack exited with ${String(code)}: ${err}`)));
      });
      expect(first).toMatch(/^\d+$/);
    } finally {
      child.kill();
    }
  });

  it("declares the Node.js runtime for the Pulumi CLI", () => {
    expect(readFileSync(join(root, "policies", "PulumiPolicy.yaml"), "utf8")).toMatch(/^runtime: nodejs$/m);
    const pkg = JSON.parse(readFileSync(join(root, "policies", "package.json"), "utf8")) as { version?: string };
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("is documented: docs/policies.md lists every rule with its sources, generated from the rules", () => {
    const doc = readFileSync(join(root, "docs", "policies.md"), "utf8");
    const table = doc.slice(
      doc.indexOf("<!-- rules:start -->\n") + "<!-- rules:start -->\n".length,
      doc.indexOf("\n<!-- rules:end -->"),
    );
    expect(table).toBe(renderRuleTable(rules));
    for (const r of rules) expect(table).toContain(`| \`${r.name}\` |`);
  });
});
