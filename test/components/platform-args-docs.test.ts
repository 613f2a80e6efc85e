/**
 * The front door's documentation is a contract: every field of `AiPlatformArgs` (and of the settings it nests)
 * carries a doc comment; an optional field says its default, a required one says so. Read from the source with the
 * TypeScript compiler, so a new field without docs fails here.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const file = path.join(__dirname, "..", "..", "components", "platform-args.ts");
const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);

interface Field {
  path: string;
  optional: boolean;
  doc: string;
}

function fieldsOf(members: ts.NodeArray<ts.TypeElement>, prefix: string): Field[] {
  return members.flatMap((m) => {
    if (!ts.isPropertySignature(m)) return [];
    const name = `${prefix}${m.name.getText(source)}`;
    const doc = ts
      .getJSDocCommentsAndTags(m)
      .map((d) => d.getText(source))
      .join("\n");
    const own = { path: name, optional: m.questionToken !== undefined, doc };
    // `cluster` is a settings group of its own; `{ min, max }` bounds are documented by their field.
    const group = m.type !== undefined && ts.isTypeLiteralNode(m.type) && m.name.getText(source) === "cluster";
    const nested = group ? fieldsOf((m.type as ts.TypeLiteralNode).members, `${name}.`) : [];
    return [own, ...nested];
  });
}

function interfaceFields(name: string): Field[] {
  const decl = source.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name,
  );
  if (decl === undefined) throw new Error(`no interface ${name} in components/platform-args.ts`);
  return fieldsOf(decl.members, `${name}.`);
}

const fields = ["AiPlatformArgs", "WorkloadSettings", "GpuPoolSettings"].flatMap(interfaceFields);

describe("AiPlatformArgs documentation", () => {
  it("finds the fields (the check can see what it checks)", () => {
    expect(fields.map((f) => f.path)).toEqual(
      expect.arrayContaining([
        "AiPlatformArgs.location",
        "AiPlatformArgs.cluster.skuTier",
        "WorkloadSettings.trainingSchedule",
      ]),
    );
  });

  it("documents every field", () => {
    expect(fields.filter((f) => f.doc === "").map((f) => f.path)).toEqual([]);
  });

  it("states the default of every optional field", () => {
    expect(fields.filter((f) => f.optional && !/Defaults to/.test(f.doc)).map((f) => f.path)).toEqual([]);
  });

  it("cites no file that is not in the repository", () => {
    const root = path.join(__dirname, "..", "..");
    const cited = [...source.getFullText().matchAll(/\b([\w./-]+\.md)\b/g)].map((m) => m[1] as string);
    expect(
      cited.filter((c) => !fs.existsSync(path.join(root, c)) && !fs.existsSync(path.join(root, "docs", c))),
    ).toEqual([]);
  });
});
