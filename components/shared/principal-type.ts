/**
 * The kind of principal an Entra access token was issued to, from its claims: a delegated token (a person
 * signed in, `az login`) carries `scp`; an app-only token (a service principal or managed identity, CI) does
 * not. Role assignments must declare the right kind: a wrong one fails with `UnmatchedPrincipalType`, and the
 * azure-native SDK sends `User` when none is given, so the kind cannot simply be left out.
 */

/** `User` for a delegated token, `ServicePrincipal` for an app-only one. Pure; throws for a non-JWT. */
export function principalTypeOfToken(token: string): "User" | "ServicePrincipal" {
  const payload = token.split(".")[1];
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    throw new Error("the deployer's access token is not a JWT; set deployerPrincipalType to User or ServicePrincipal");
  }
  if (typeof claims !== "object" || claims === null)
    throw new Error("the deployer's access token has no claims; set deployerPrincipalType to User or ServicePrincipal");
  return typeof claims.scp === "string" ? "User" : "ServicePrincipal";
}
