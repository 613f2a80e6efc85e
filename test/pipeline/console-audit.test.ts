// The console's audit view reads the extended audit records: traffic splits and pipeline decisions with figures.
import type { RegistryEvent } from "@ai-platform/registry";
import { describe, expect, it } from "vitest";
import { auditPage } from "../../console/src/views/audit";

const base = { type: "event" as const, name: "iris", actor: "pipeline-controller/a", at: "2026-01-01T00:00:00.000Z" };

describe("console audit view with pipeline records", () => {
  it("shows a canary split, a decision with its figures, and alias moves as before", () => {
    const events: RegistryEvent[] = [
      { ...base, id: "1", action: "set-alias", alias: "production", version: 2, previousVersion: 1 },
      {
        ...base,
        id: "2",
        action: "set-traffic",
        version: 2,
        traffic: { canary: { version: 2, weight: 0.1 }, shadow: { version: 2 } },
      },
      {
        ...base,
        id: "3",
        action: "pipeline",
        version: 2,
        decision: "gate-passed",
        figures: { metric: "accuracy", candidateValue: 0.96667 },
      },
      { ...base, id: "4", action: "set-traffic", version: 2, traffic: {} },
    ];
    const text = auditPage(events, ["iris"], "iris", { viewer: { actor: "me", canAct: false }, section: "audit" })
      .toString()
      .replace(/\s+/g, " ");
    expect(text).toContain("traffic: v2 at 10%, shadow v2");
    expect(text).toContain("pipeline: gate-passed v2 (metric=accuracy, candidateValue=0.9667)");
    expect(text).toContain("traffic: all to the alias");
    expect(text).toMatch(/production<\/span> → v2 \(was v1\)/);
    expect(text).not.toContain("undefined");
  });
});
