import { describe, expect, it } from "vitest";
import { withDefaults } from "../../components/shared/with-defaults";

describe("withDefaults", () => {
  const defaults = { vmSize: "Standard_D4s_v5", minCount: 2, maxCount: 3 };

  it("keeps a default where the override is missing or undefined, and takes every set value, 0 included", () => {
    expect(withDefaults(defaults, { vmSize: undefined, minCount: 0 })).toEqual({
      vmSize: "Standard_D4s_v5",
      minCount: 0,
      maxCount: 3,
    });
    expect(withDefaults(defaults, undefined)).toEqual(defaults);
  });

  it("does not change the defaults it was given", () => {
    withDefaults(defaults, { maxCount: 9 });
    expect(defaults).toEqual({ vmSize: "Standard_D4s_v5", minCount: 2, maxCount: 3 });
  });
});
