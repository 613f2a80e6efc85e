import { describe, expect, it } from "vitest";
import { mutate, remediate, rule, runRule, UNKNOWN } from "../support/policy-harness";
import { compliant } from "./fixtures";
import { mutationCases, type Mutation } from "./mutations";

const COSMOS = "azure-native:cosmosdb:DatabaseAccount";
const ACR = "azure-native:containerregistry:Registry";

describe("required tags and allowed locations", () => {
  mutationCases([
    ["azure-required-tags", COSMOS, "tags", undefined, "tags are missing environment, workload, managed-by."],
    ["azure-required-tags", ACR, "tags.workload", "", "tags are missing workload."],
    [
      "azure-required-tags",
      ACR,
      "tags.environment",
      "qa",
      'tag environment is "qa", which does not match ^(dev|staging|prod)$.',
    ],
    [
      "azure-allowed-locations",
      COSMOS,
      "location",
      "chinanorth",
      'location is "chinanorth", which is not an allowed region.',
    ],
  ] satisfies Mutation[]);

  it("accepts global, region display names and an unset location", async () => {
    const r = rule("azure-allowed-locations");
    for (const location of ["global", "West Europe", undefined])
      expect((await runRule(r, COSMOS, mutate(compliant[COSMOS]!, "location", location))).violations).toEqual([]);
    expect(
      (
        await runRule(r, COSMOS, mutate(compliant[COSMOS]!, "location", "eastus"), {
          config: { allowedLocations: ["westeurope"] },
        })
      ).violations,
    ).toHaveLength(1);
  });

  it("remediates missing default tags and keeps existing values", async () => {
    const r = rule("azure-required-tags");
    const fixed = await remediate(
      r,
      COSMOS,
      mutate(compliant[COSMOS]!, "tags", { owner: "ml-team", workload: "chatbot" }),
      { defaultTags: { environment: "dev", workload: "ai-platform", "managed-by": "pulumi" } },
    );
    expect(fixed?.tags).toEqual({ environment: "dev", workload: "chatbot", "managed-by": "pulumi", owner: "ml-team" });
    expect(await remediate(r, COSMOS, compliant[COSMOS]!)).toBeUndefined();
    expect(await remediate(r, "kubernetes:core/v1:Service", compliant["kubernetes:core/v1:Service"]!)).toBeUndefined();
    expect((await runRule(r, COSMOS, fixed!)).violations).toEqual([]);
  });

  it("reports an unknown tags object as can't run during preview", async () => {
    const run = await runRule(rule("azure-required-tags"), COSMOS, { ...compliant[COSMOS]!, tags: UNKNOWN.object });
    expect(run.violations).toEqual([]);
    expect(run.unknown).toEqual([
      "can't run policy 'azure-required-tags' during preview: Object value at .tags can't be known during preview",
    ]);
  });
});
