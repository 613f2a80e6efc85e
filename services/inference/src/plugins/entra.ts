/** Entra ID access-token validation with jose: signature from the tenant's JWKS, issuer, audience, expiry. */
import { type JWTVerifyGetKey, createRemoteJWKSet, jwtVerify } from "jose";
import type { JwtVerifier } from "./security.js";

/**
 * A verifier for tokens issued by `tenantId` for `audience` (the app ID URI or client id of this API).
 * `keys` defaults to the tenant's published signing keys; tests pass a local key set.
 */
export function entraJwtVerifier(tenantId: string, audience: string, keys?: JWTVerifyGetKey): JwtVerifier {
  const jwks = keys ?? createRemoteJWKSet(new URL(`https://login.microsoftonline.com/${tenantId}/discovery/v2.0/keys`));
  const issuer = `https://login.microsoftonline.com/${tenantId}/v2.0`;
  return async (token) => {
    await jwtVerify(token, jwks, { issuer, audience });
  };
}
