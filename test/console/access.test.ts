/**
 * The console's access rules over real HTTP handling (`inject`) against real emulators and a trained model: the
 * operator token signs in, everyone else reads; behind the sign-in proxy only the operator group acts; every
 * action needs the page's CSRF token. Runs without a browser.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildConsole, type ConsoleConfig } from "@ai-platform/console";
import type { PlatformConnection } from "@ai-platform/registry";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { platformDatabaseId } from "../../components/data-layout";
import { createPlatformData, startAzurite, startCosmosEmulator } from "../../local/emulators";
import { ensureProductionModel } from "../../local/model-bootstrap";
import { silentProgress } from "../../local/progress";

const dir = mkdtempSync(join(tmpdir(), "console-access-"));
const TOKEN = "t".repeat(40);
const GROUP = "44444444-4444-4444-a444-444444444444";
const stops: (() => Promise<unknown>)[] = [];
let connection: PlatformConnection;
let tokenApp: FastifyInstance;
let proxyApp: FastifyInstance;

const config = (access: ConsoleConfig["access"]): ConsoleConfig => ({
  host: "127.0.0.1",
  port: 0,
  connection,
  inferenceUrl: undefined,
  metricsIntervalMs: 60_000,
  access,
  logLevel: "silent",
});

/** The CSRF cookie and token of a page an operator opened. */
async function csrf(app: FastifyInstance, headers: Record<string, string>): Promise<{ cookie: string; token: string }> {
  const page = await app.inject({ url: "/models/iris", headers });
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  const cookie = page.cookies.find((c) => c.name === "_csrf");
  if (!token || !cookie) throw new Error("no CSRF token on the page");
  return { cookie: `_csrf=${cookie.value}`, token };
}

beforeAll(async () => {
  const cosmos = await startCosmosEmulator({ port: 0 });
  const azurite = await startAzurite({ port: 0, location: join(dir, "azurite") });
  stops.push(
    () => cosmos.stop(),
    () => azurite.stop(),
  );
  connection = {
    cosmos: { endpoint: cosmos.endpoint, database: platformDatabaseId, key: cosmos.key },
    storage: { blobEndpoint: azurite.blobEndpoint, connectionString: azurite.connectionString },
  };
  await createPlatformData({ cosmos: { endpoint: cosmos.endpoint, key: cosmos.key }, storage: azurite });
  await ensureProductionModel(connection, { progress: silentProgress, workDir: dir });
  tokenApp = await buildConsole(config({ kind: "token", operatorToken: TOKEN, actor: "console:alice" }));
  proxyApp = await buildConsole(config({ kind: "proxy", operatorGroup: GROUP }));
  stops.unshift(
    () => tokenApp.close(),
    () => proxyApp.close(),
  );
}, 120_000);

afterAll(async () => {
  for (const stop of stops) await stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("token access (the local platform)", () => {
  it("reads without signing in, with no action on the page, and refuses actions", async () => {
    const page = await tokenApp.inject({ url: "/models/iris" });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Read-only");
    expect(page.body).not.toContain("Roll back");
    const post = await tokenApp.inject({ method: "POST", url: "/models/iris/rollback", payload: { _csrf: "x" } });
    expect([post.statusCode, post.body]).toEqual([403, "read-only: your session may view the console but not act"]);
  });

  it("signs in only with the right token; the operator then needs the page's CSRF token to act", async () => {
    expect((await tokenApp.inject({ url: `/sign-in?token=${"x".repeat(40)}` })).statusCode).toBe(403);
    const signIn = await tokenApp.inject({ url: `/sign-in?token=${TOKEN}` });
    expect(signIn.statusCode).toBe(302);
    const session = signIn.cookies.find((c) => c.name === "console_operator");
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Strict" });
    const cookie = `console_operator=${session?.value}`;
    const page = await tokenApp.inject({ url: "/models/iris", headers: { cookie } });
    expect(page.body).toContain("Operator: <strong>console:alice</strong>");
    expect(page.body).toContain("Roll back production (now v1)");

    const forged = await tokenApp.inject({ method: "POST", url: "/models/iris/rollback", headers: { cookie } });
    expect(forged.statusCode).toBe(403);
    const { cookie: csrfCookie, token } = await csrf(tokenApp, { cookie });
    const rollback = await tokenApp.inject({
      method: "POST",
      url: "/models/iris/rollback",
      headers: { cookie: `${cookie}; ${csrfCookie}` },
      payload: { _csrf: token },
    });
    // Past access and CSRF, the registry decides: v1 is the first production version, there is nothing before it.
    expect([rollback.statusCode, rollback.body]).toEqual([
      409,
      "iris: production @1 has no previous version to roll back to",
    ]);
  });
});

describe("proxy access (AKS, behind the Entra sign-in proxy)", () => {
  it("lets members of the operator group act and everyone else read", async () => {
    const member = { "x-forwarded-email": "ops@example.com", "x-forwarded-groups": `aaaa,${GROUP}` };
    const other = { "x-forwarded-email": "dev@example.com", "x-forwarded-groups": "aaaa" };
    expect((await proxyApp.inject({ url: "/models/iris/versions/1", headers: member })).body).toContain(
      "Operator: <strong>ops@example.com</strong>",
    );
    const viewer = await proxyApp.inject({ url: "/models/iris", headers: other });
    expect(viewer.body).toContain("Read-only");
    expect(viewer.body).not.toContain("Roll back");
    const preview = await proxyApp.inject({ url: "/models/iris/versions/1/promote", headers: other });
    expect(preview.statusCode).toBe(403);
    const noSignIn = await proxyApp.inject({ url: "/models/iris/versions/1/promote" });
    expect(noSignIn.statusCode).toBe(403);
    const own = await proxyApp.inject({ url: "/models/iris/versions/1/promote", headers: member });
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain("iris@1 already is production");
  });
});
