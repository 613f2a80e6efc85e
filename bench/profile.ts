/**
 * CPU profiles of the benchmark process (which hosts every server under test) while one cell runs, summarised by
 * where the time goes: the service's own files, each dependency, Node's HTTP stack, native calls, GC, idle.
 */
import { Session } from "node:inspector/promises";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** A V8 CPU profile (the `.cpuprofile` format). */
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Starts profiling this thread; the returned function stops and returns the profile. */
export async function startProfile(): Promise<() => Promise<CpuProfile>> {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 100 });
  await session.post("Profiler.start");
  return async () => {
    const { profile } = await session.post("Profiler.stop");
    session.disconnect();
    return profile as unknown as CpuProfile;
  };
}

function area(frame: ProfileNode["callFrame"]): string {
  const { url, functionName } = frame;
  if (functionName === "(idle)") return "idle";
  if (functionName === "(garbage collector)") return "GC";
  if (functionName === "(program)") return "native, unattributed";
  const src = url.split("/services/inference/src/")[1];
  if (src) return `service: ${src}`;
  if (url.includes("node_modules/")) {
    const parts = (url.split("node_modules/").pop() ?? "").split("/");
    return `dependency: ${parts[0]?.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]}`;
  }
  if (url.startsWith("node:")) return `node: ${url.slice(5).split("/")[0]}`;
  if (url === "") return `native: ${functionName || "(anonymous)"}`;
  return `other: ${url.split("/").slice(-2).join("/")}`;
}

/** Share of busy (non-idle) CPU time per area, largest first, with the busy time in milliseconds. */
export function summarizeProfile(profile: CpuProfile, top = 20): { busyMs: number; areas: [string, number][] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const us = profile.timeDeltas[i] ?? 0;
    if (!node) return;
    const a = area(node.callFrame);
    // The profiler's own messages are not the service's time.
    if (a === "idle" || a === "node: inspector") return;
    busy += us;
    totals.set(a, (totals.get(a) ?? 0) + us);
  });
  const areas = [...totals]
    .sort((x, y) => y[1] - x[1])
    .slice(0, top)
    .map(([a, us]) => [a, Number(((100 * us) / Math.max(1, busy)).toFixed(1))] as [string, number]);
  return { busyMs: Math.round(busy / 1000), areas };
}
