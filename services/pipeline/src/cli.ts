/**
 * `npx ai-platform pipeline set|status|pause|resume`: thin commands over the programmatic API. Implementations load
 * lazily so `--help` stays fast; the connection resolves as the training commands resolve it (flags → env → the
 * running local platform).
 */
import { readFileSync } from "node:fs";
import { userInfo } from "node:os";
import type { Command } from "commander";
import type { ConnectionFlags } from "@ai-platform/training";
import type { PipelineStatus } from "./commands.js";

function actor(): string {
  try {
    return process.env.AI_PLATFORM_ACTOR || process.env.USER || userInfo().username;
  } catch {
    return "unknown";
  }
}

function withConnection(cmd: Command): Command {
  return cmd
    .option(
      "--cosmos-endpoint <url>",
      "Cosmos DB endpoint (default: $COSMOS_ENDPOINT, then the running local platform)",
    )
    .option("--cosmos-key <key>", "Cosmos DB key: local emulator only (Azure uses Entra ID)")
    .option("--cosmos-database <id>", "Cosmos DB database", "ai-platform")
    .option("--blob-endpoint <url>", "Blob endpoint (default: $STORAGE_BLOB_ENDPOINT, then the running local platform)")
    .option("--data-dir <dir>", "local platform state directory", ".platform")
    .option("--json", "print JSON");
}

async function connect(flags: ConnectionFlags) {
  const { resolveConnection } = await import("@ai-platform/training");
  return resolveConnection(flags, process.env);
}

const time = (ms: number): string => new Date(ms).toISOString();

/** The human form of `pipeline status`. */
export function formatStatus(s: PipelineStatus): string {
  const p = s.doc.phase;
  const split = s.traffic.canary
    ? `canary @${s.traffic.canary.version} at ${(s.traffic.canary.weight * 100).toFixed(0)}%${s.traffic.shadow ? `, shadow @${s.traffic.shadow.version}` : ""}`
    : "all traffic to production";
  const phase =
    p.kind === "idle"
      ? "idle"
      : `${p.kind} (run ${p.runId}, trigger ${p.trigger.kind}${p.kind === "training" ? "" : `, candidate @${p.candidate}`}${p.kind === "canary" ? `, step ${p.step + 1}/${s.policy.rollout.steps.length}` : ""}, since ${time(p.since)})`;
  const lines = [
    `${s.name}: ${s.doc.paused ? "PAUSED, " : ""}${phase}${s.doc.stuck ? "  [STUCK: alert firing]" : ""}`,
    `  production @${s.production ?? "none"}; ${split}`,
    `  lease ${s.doc.lease ? `${s.doc.lease.holder} until ${time(s.doc.lease.expiresAt)}` : "free"}${s.doc.cooldownUntil ? `; cool-down until ${time(s.doc.cooldownUntil)}` : ""}`,
    `  policy set ${s.doc.policy.setAt} by ${s.doc.policy.setBy}: dataset ${s.policy.data.dataset}, gate ${s.policy.gate.metric} +${s.policy.gate.margin}, canary ${s.policy.rollout.steps.map((x) => `${x.weight * 100}%`).join(" → ")}`,
    "",
    "Runs:",
    ...(s.doc.runs.length === 0
      ? ["  (none yet)"]
      : s.doc.runs.map(
          (r) =>
            `  ${time(r.at)}  ${r.runId}  ${r.trigger} → ${r.outcome}${r.candidate ? ` @${r.candidate}` : ""}: ${r.detail}`,
        )),
    "",
    "History (audit trail):",
    ...s.history.slice(-25).map((e) => {
      const what =
        e.action === "pipeline"
          ? e.decision
          : e.action === "set-alias"
            ? `${e.alias} → @${e.version}`
            : `traffic ${JSON.stringify(e.traffic ?? {})}`;
      const figures = e.figures
        ? ` ${Object.entries(e.figures)
            .map(([k, v]) => `${k}=${typeof v === "number" ? Number(v.toFixed(4)) : v}`)
            .join(" ")}`
        : "";
      return `  ${e.at}  ${e.actor}  ${what}${e.reason ? ` (${e.reason})` : ""}${figures}`;
    }),
  ];
  return lines.join("\n");
}

/** Registers `pipeline set|status|pause|resume` on the root program. */
export function registerPipelineCommands(program: Command): void {
  const pipeline = program
    .command("pipeline")
    .description("The closed loop: a model's retraining triggers, promotion gate and canary rollout.");
  withConnection(pipeline.command("set").description("Set a model's pipeline policy from a YAML file (validated)."))
    .argument("<model>", "model name")
    .requiredOption("--file <path>", "the policy YAML")
    .action(async (model: string, o: ConnectionFlags & { file: string; json?: boolean }) => {
      const { setPipelinePolicy } = await import("./commands.js");
      const r = await setPipelinePolicy(await connect(o), model, readFileSync(o.file, "utf8"), {
        actor: actor(),
        file: o.file,
      });
      console.log(
        o.json
          ? JSON.stringify(r.policy, null, 2)
          : `${model}: pipeline policy ${r.created ? "set" : "replaced"} from ${o.file}`,
      );
    });
  withConnection(pipeline.command("status").description("Show a model's pipeline state, traffic split and history."))
    .argument("<model>", "model name")
    .action(async (model: string, o: ConnectionFlags & { json?: boolean }) => {
      const { pipelineStatus } = await import("./commands.js");
      const s = await pipelineStatus(await connect(o), model);
      console.log(o.json ? JSON.stringify(s, null, 2) : formatStatus(s));
    });
  for (const [verb, paused] of [
    ["pause", true],
    ["resume", false],
  ] as const) {
    withConnection(
      pipeline
        .command(verb)
        .description(paused ? "Stop taking decisions for a model (the current phase waits)." : "Take decisions again."),
    )
      .argument("<model>", "model name")
      .option("--reason <text>", "recorded in the audit trail")
      .action(async (model: string, o: ConnectionFlags & { json?: boolean; reason?: string }) => {
        const { setPipelinePaused } = await import("./commands.js");
        const doc = await setPipelinePaused(await connect(o), model, paused, {
          actor: actor(),
          ...(o.reason ? { reason: o.reason } : {}),
        });
        console.log(
          o.json
            ? JSON.stringify(doc, null, 2)
            : `${model}: pipeline ${paused ? "paused" : "resumed"} (phase ${doc.phase.kind})`,
        );
      });
  }
}
