import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair } from "jose";
import { entraJwtVerifier } from "../../services/inference/src/plugins/entra";
import { tabularClassifier } from "../support/onnx-models";
import { buildApp, makeRepo, removeRepo } from "./helpers";

const TENANT = "00000000-0000-0000-0000-000000000001";
const AUDIENCE = "api://inference";
const body = { inputs: [{ name: "features", shape: [1, 4], datatype: "FP32", data: [1, 2, 3, 4] }] };
let repo: string;
let app: FastifyInstance;
let sign: (claims: { iss?: string; aud?: string; exp?: number }) => Promise<string>;

beforeAll(async () => {
  repo = makeRepo({ tabular: { versions: { 1: tabularClassifier() } } });
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256" };
  sign = (c) =>
    new SignJWT({})
      .setProtectedHeader({ alg: "RS256", kid: "k1" })
      .setIssuer(c.iss ?? `https://login.microsoftonline.com/${TENANT}/v2.0`)
      .setAudience(c.aud ?? AUDIENCE)
      .setExpirationTime(c.exp ?? "5m")
      .sign(privateKey);
  app = await buildApp(
    repo,
    { INFERENCE_RATE_LIMIT_RPS: "1000" },
    {
      apiKey: "s3cret-key",
      verifyJwt: entraJwtVerifier(TENANT, AUDIENCE, createLocalJWKSet({ keys: [jwk] })),
    },
  );
});
afterAll(async () => {
  await app?.close();
  removeRepo(repo);
});

const call = (headers: Record<string, string> = {}) =>
  app.inject({ method: "POST", url: "/v2/models/tabular/infer", payload: body, headers });

describe("authentication", () => {
  it("refuses requests without credentials, naming what to send", async () => {
    const res = await call();
    expect([res.statusCode, res.json(), res.headers["www-authenticate"]]).toEqual([
      401,
      { error: "missing credentials: send Authorization: Bearer <api key or Entra ID token>" },
      'Bearer realm="inference"',
    ]);
    expect((await app.inject("/v2/models/tabular")).statusCode).toBe(401);
  });

  it("accepts the API key as a bearer token or x-api-key, and refuses a wrong one", async () => {
    expect((await call({ authorization: "Bearer s3cret-key" })).statusCode).toBe(200);
    expect((await call({ "x-api-key": "s3cret-key" })).statusCode).toBe(200);
    const bad = await call({ authorization: "Bearer s3cret-kez" });
    expect([bad.statusCode, bad.json()]).toEqual([401, { error: "invalid credentials" }]);
  });

  it("accepts an Entra ID token for the right issuer and audience only", async () => {
    expect((await call({ authorization: `Bearer ${await sign({})}` })).statusCode).toBe(200);
    expect((await call({ authorization: `Bearer ${await sign({ aud: "api://other" })}` })).statusCode).toBe(401);
    expect(
      (await call({ authorization: `Bearer ${await sign({ iss: "https://evil.example/v2.0" })}` })).statusCode,
    ).toBe(401);
    expect(
      (await call({ authorization: `Bearer ${await sign({ exp: Math.floor(Date.now() / 1000) - 60 })}` })).statusCode,
    ).toBe(401);
  });

  it("leaves probes and metrics open", async () => {
    expect((await app.inject("/v2/health/live")).statusCode).toBe(200);
    expect((await app.inject("/v2/health/ready")).statusCode).toBe(200);
    expect((await app.inject("/metrics")).statusCode).toBe(200);
  });
});

describe("rate limit", () => {
  let limited: FastifyInstance;
  beforeAll(async () => {
    limited = await buildApp(repo, { INFERENCE_RATE_LIMIT_RPS: "3" });
  });
  afterAll(async () => limited?.close());

  it("answers 429 with a clear error beyond the limit, but never for probes", async () => {
    const statuses = [];
    for (let i = 0; i < 5; i++)
      statuses.push(
        (await limited.inject({ method: "POST", url: "/v2/models/tabular/infer", payload: body })).statusCode,
      );
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const res = await limited.inject({ method: "POST", url: "/v2/models/tabular/infer", payload: body });
    expect(res.json().error).toMatch(/^rate limit of 3 requests per second exceeded; retry in \d+ (second|ms)/);
    expect((await limited.inject("/v2/health/ready")).statusCode).toBe(200);
  });
});
