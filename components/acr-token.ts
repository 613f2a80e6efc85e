/**
 * Docker credentials for Azure Container Registry without the admin user: exchange an Entra access
 * token for an ACR refresh token (`POST https://<registry>/oauth2/exchange`), then log in with the
 * fixed user name below and the refresh token as password. The Azure SDK for JS has no helper for
 * the exchange (Azure/azure-sdk-for-js#27635), hence this small fetch.
 *
 * See https://github.com/Azure/acr/blob/main/docs/AAD-OAuth.md
 */

/** The user name ACR expects with a refresh token. */
export const ACR_REFRESH_TOKEN_USER = "00000000-0000-0000-0000-000000000000";

/** The exchange: Entra access token in, ACR refresh token out. Injected in tests. */
export type AcrTokenExchange = (args: {
  loginServer: string;
  tenantId: string;
  accessToken: string;
}) => Promise<string>;

/** Builds the form body of the exchange request. Pure. */
export function exchangeRequestBody(args: {
  loginServer: string;
  tenantId: string;
  accessToken: string;
}): URLSearchParams {
  return new URLSearchParams({
    grant_type: "access_token",
    service: args.loginServer,
    tenant: args.tenantId,
    access_token: args.accessToken,
  });
}

/**
 * Exchanges an Entra access token for an ACR refresh token with `fetchFn` (default: global fetch).
 * Throws naming the registry and the HTTP status when the registry refuses (for example when the
 * caller lacks AcrPush or the registry is unreachable).
 */
export function acrTokenExchange(fetchFn: typeof fetch = fetch, scheme: "https" | "http" = "https"): AcrTokenExchange {
  return async (args) => {
    const url = `${scheme}://${args.loginServer}/oauth2/exchange`;
    const response = await fetchFn(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: exchangeRequestBody(args),
    });
    if (!response.ok) {
      throw new Error(
        `ACR token exchange at ${url} failed: HTTP ${response.status} ${(await response.text()).slice(0, 200)}`,
      );
    }
    const body = (await response.json()) as { refresh_token?: unknown };
    if (typeof body.refresh_token !== "string" || body.refresh_token === "") {
      throw new Error(`ACR token exchange at ${url} returned no refresh_token`);
    }
    return body.refresh_token;
  };
}
