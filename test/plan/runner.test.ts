import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { PlanError, planStackResult } from "../../tools/plan/plan";
import { loadProject, resolveStackConfig, securePlaceholder } from "../../tools/plan/project";
import { countByType, renderMermaid, renderTree } from "../../tools/plan/render";

const tiny = path.join(__dirname, "fixtures", "tiny");

describe("resolveStackConfig", () => {
  const project = loadProject(tiny);
  it.each([
    ["project default applies when the stack is silent", { config: {} }, { "tiny:size": "2" }, []],
    ["a configured 0 is kept, not defaulted", { config: { "tiny:size": 0 } }, { "tiny:size": "0" }, []],
    [
      "unqualified keys take the project namespace",
      { config: { prefix: "p" } },
      { "tiny:size": "2", "tiny:prefix": "p" },
      [],
    ],
    [
      "objects reach the program as JSON",
      { config: { "tiny:o": { a: [1, true] } } },
      { "tiny:size": "2", "tiny:o": '{"a":[1,true]}' },
      [],
    ],
    [
      "secure values become placeholders and secret keys",
      { config: { "tiny:pw": { secure: "v1:x" } } },
      { "tiny:size": "2", "tiny:pw": securePlaceholder("tiny:pw") },
      ["tiny:pw"],
    ],
    [
      "nested secure values too",
      { config: { "tiny:o": { k: { secure: "v1:x" } } } },
      { "tiny:size": "2", "tiny:o": JSON.stringify({ k: securePlaceholder("tiny:o.k") }) },
      ["tiny:o"],
    ],
  ])("%s", (_, doc, config, secretKeys) => {
    expect(resolveStackConfig(project, doc)).toEqual({ config, secretKeys });
  });

  it("reads main and stackConfigDir relative to Pulumi.yaml", () => {
    expect(project).toEqual({
      name: "tiny",
      main: path.join(tiny, "program"),
      stackConfigDir: path.join(tiny, "stacks"),
      defaults: { size: 2 },
    });
  });
});

describe("planStackResult on a fixture program", () => {
  it("runs the program with the stack's config and records type, name, parent, dependsOn, physical name and inputs", async () => {
    const result = await planStackResult("ok", { projectDir: tiny });
    expect(result.resources).toEqual([
      { type: "tiny:index:Group", name: "g0", dependsOn: [], inputs: {} },
      { type: "tiny:index:Group", name: "g1", dependsOn: [], inputs: {} },
      {
        type: "azure-native:resources:ResourceGroup",
        name: "g0-rg",
        parent: "g0",
        parentType: "tiny:index:Group",
        dependsOn: [],
        physicalName: { kind: "explicit", property: "resourceGroupName", value: "demo-g0" },
        inputs: { resourceGroupName: "demo-g0" },
        computed: {
          id: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/demo-g0",
          name: "demo-g0",
        },
      },
      {
        type: "azure-native:resources:ResourceGroup",
        name: "g1-rg",
        parent: "g1",
        parentType: "tiny:index:Group",
        dependsOn: [],
        physicalName: { kind: "explicit", property: "resourceGroupName", value: "demo-g1" },
        inputs: { resourceGroupName: "demo-g1" },
        computed: {
          id: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/demo-g1",
          name: "demo-g1",
        },
      },
    ]);
    // Resource groups get the physical name the program asked for, as on Azure.
    expect(result.outputs).toEqual({ names: ["demo-g0", "demo-g1"], password: "[secret]" });
    expect(countByType(result.resources)).toEqual([
      ["azure-native:resources:ResourceGroup", 2],
      ["tiny:index:Group", 2],
    ]);
    expect(renderTree(result.resources, "tiny-ok")).toBe(
      [
        "tiny-ok",
        "├─ tiny:index:Group  g0",
        "│  └─ azure-native:resources:ResourceGroup  g0-rg",
        "└─ tiny:index:Group  g1",
        "   └─ azure-native:resources:ResourceGroup  g1-rg",
      ].join("\n"),
    );
    expect(renderMermaid(result.resources, "tiny-ok")).toContain("n0 --> n1");
  });

  it("fails with the program's own message on a program error", async () => {
    await expect(planStackResult("bad", { projectDir: tiny })).rejects.toThrow(
      /plan of stack "bad" failed: tiny:size must be >= 0 \(got -1\) \(.*program\/index\.ts:\d+:\d+\)/,
    );
  });

  it("names the known stacks when the stack file is missing", async () => {
    const error = await planStackResult("nope", { projectDir: tiny }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlanError);
    expect((error as Error).message).toBe(
      `plan of stack "nope" failed: no stack "nope": ${path.join(tiny, "stacks", "Pulumi.nope.yaml")} does not exist (stacks: bad, ok)`,
    );
  });
});
