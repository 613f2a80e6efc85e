/**
 * A parser for the plain Dockerfile subset our images use (FROM … AS, ARG, WORKDIR, COPY [--from] [--chown],
 * RUN, ENV, USER, EXPOSE, ENTRYPOINT, CMD), so the replay follows the Dockerfile itself rather than a copy of
 * its steps. BuildKit-only syntax (`RUN --mount`, heredocs, `COPY --parents`) is rejected: ACR quick builds
 * run the classic builder.
 */

/** One instruction, with its arguments as written (continuations joined). */
export type Instruction =
  | { kind: "FROM"; base: string; alias?: string }
  | { kind: "WORKDIR"; path: string }
  | { kind: "COPY"; from?: string; sources: string[]; dest: string }
  | { kind: "RUN"; command: string }
  | { kind: "ENV"; vars: Record<string, string> }
  | { kind: "ENTRYPOINT"; argv: string[] }
  | { kind: "OTHER"; keyword: string };

/** A build stage: its base (an earlier stage's alias, or an image) and its instructions. */
export interface Stage {
  base: string;
  alias?: string;
  instructions: Instruction[];
}

/** Splits a Dockerfile into stages; throws on syntax the classic builder cannot run. */
export function parseDockerfile(text: string): Stage[] {
  const lines = text
    .replace(/\\\r?\n/g, " ")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [keyword = "", ...rest] = line.split(/\s+/);
    const args = line.slice(keyword.length).trim();
    const upper = keyword.toUpperCase();
    if (upper === "FROM") {
      const [base = "", as, alias] = rest;
      stages.push({ base, ...(as?.toUpperCase() === "AS" && alias ? { alias } : {}), instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) {
      if (upper === "ARG") continue;
      throw new Error(`Dockerfile: ${keyword} before the first FROM`);
    }
    stage.instructions.push(parseInstruction(upper, rest, args));
  }
  return stages;
}

function parseInstruction(keyword: string, words: string[], args: string): Instruction {
  switch (keyword) {
    case "WORKDIR":
      return { kind: "WORKDIR", path: args };
    case "RUN":
      if (args.startsWith("--"))
        throw new Error(`Dockerfile: "RUN ${words[0]}" needs BuildKit; ACR quick builds lack it`);
      return { kind: "RUN", command: args };
    case "COPY": {
      const flags = words.filter((w) => w.startsWith("--"));
      const paths = words.filter((w) => !w.startsWith("--"));
      for (const flag of flags)
        if (!/^--(from|chown)=/.test(flag)) throw new Error(`Dockerfile: "COPY ${flag}" is not classic-builder syntax`);
      const from = flags.find((f) => f.startsWith("--from="))?.slice("--from=".length);
      const dest = paths.pop();
      if (!dest || paths.length === 0) throw new Error(`Dockerfile: COPY ${args} needs a source and a destination`);
      return { kind: "COPY", ...(from ? { from } : {}), sources: paths, dest };
    }
    case "ENV": {
      const vars: Record<string, string> = {};
      for (const pair of words) {
        const eq = pair.indexOf("=");
        if (eq <= 0) throw new Error(`Dockerfile: ENV ${pair} must be KEY=value`);
        vars[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
      return { kind: "ENV", vars };
    }
    case "ENTRYPOINT":
      return { kind: "ENTRYPOINT", argv: JSON.parse(args) as string[] };
    default:
      return { kind: "OTHER", keyword };
  }
}
