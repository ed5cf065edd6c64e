// The relying-party side of OIDC, on openid-client 6. Discovery is lazy and retried: the proxy
// must start (and serve machine tokens) while the IdP is still coming up, and one failed
// discovery must not wedge browser sign-in until a restart.

import * as oidc from 'openid-client';
import type { TokenEndpointResponse, TokenEndpointResponseHelpers } from 'openid-client';

export interface OidcClientOptions {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret?: string;
  readonly scopes: readonly string[];
  /** Absolute URL of /.changegate/callback as the IdP knows it. */
  readonly redirectUri: string;
  readonly timeoutSeconds?: number;
  /** Seconds since the epoch; expiry times are computed with it (tests move it). */
  readonly clock?: () => number;
}

/** What the sign-in transaction keeps between /login and /callback. */
export interface AuthorizationChecks {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

export interface TokenSet {
  readonly claims: Readonly<Record<string, unknown>>;
  readonly accessToken: string;
  readonly refreshToken?: string;
  /** Seconds since the epoch; absent when the IdP did not say. */
  readonly accessExpiresAt?: number;
  readonly idToken?: string;
}

type TokenResponse = TokenEndpointResponse & TokenEndpointResponseHelpers;

/** Plain http is accepted only for loopback issuers (the development IdP and tests). */
function isLoopbackHttp(issuer: URL): boolean {
  return issuer.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
}

export class OidcClient {
  readonly #options: OidcClientOptions;
  #config: Promise<oidc.Configuration> | undefined;

  constructor(options: OidcClientOptions) {
    this.#options = options;
  }

  get options(): OidcClientOptions {
    return this.#options;
  }

  configuration(): Promise<oidc.Configuration> {
    if (this.#config === undefined) {
      const pending = this.#discover();
      this.#config = pending;
      pending.catch(() => {
        if (this.#config === pending) this.#config = undefined;
      });
    }
    return this.#config;
  }

  async #discover(): Promise<oidc.Configuration> {
    const issuer = new URL(this.#options.issuer);
    const auth = this.#options.clientSecret === undefined ? oidc.None() : oidc.ClientSecretBasic(this.#options.clientSecret);
    const config = await oidc.discovery(issuer, this.#options.clientId, undefined, auth, {
      execute: isLoopbackHttp(issuer) ? [oidc.allowInsecureRequests] : [],
      timeout: this.#options.timeoutSeconds ?? 10,
    });
    config.timeout = this.#options.timeoutSeconds ?? 10;
    return config;
  }

  #now(): number {
    return this.#options.clock?.() ?? Math.floor(Date.now() / 1000);
  }

  static newChecks(): AuthorizationChecks {
    return { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() };
  }

  async authorizationUrl(checks: AuthorizationChecks): Promise<URL> {
    const config = await this.configuration();
    const params: Record<string, string> = {
      redirect_uri: this.#options.redirectUri,
      scope: this.#options.scopes.join(' '),
      code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
      state: checks.state,
      nonce: checks.nonce,
    };
    // OIDC Core 11: offline_access is ignored unless the user is asked to consent.
    if (this.#options.scopes.includes('offline_access')) params['prompt'] = 'consent';
    return oidc.buildAuthorizationUrl(config, params);
  }

  /** Exchanges the code; throws openid-client errors, which the callback turns into pages. */
  async exchange(callbackUrl: URL, checks: AuthorizationChecks): Promise<TokenSet> {
    const config = await this.configuration();
    const tokens = await oidc.authorizationCodeGrant(
      config,
      callbackUrl,
      { pkceCodeVerifier: checks.codeVerifier, expectedState: checks.state, expectedNonce: checks.nonce, idTokenExpected: true },
      { redirect_uri: this.#options.redirectUri },
    );
    return toTokenSet(tokens, this.#now(), {});
  }

  /** Claims from the userinfo endpoint, for IdPs that keep groups out of the ID token. */
  async userinfo(accessToken: string, sub: string): Promise<Record<string, unknown>> {
    return oidc.fetchUserInfo(await this.configuration(), accessToken, sub);
  }

  async refresh(refreshToken: string, previousClaims: Readonly<Record<string, unknown>>): Promise<TokenSet> {
    const tokens = await oidc.refreshTokenGrant(await this.configuration(), refreshToken);
    // An IdP may or may not rotate the refresh token; keep the old one when it does not.
    return toTokenSet(tokens, this.#now(), previousClaims, refreshToken);
  }

  /** RP-initiated logout URL, or undefined when the IdP has no end_session_endpoint. */
  async endSessionUrl(postLogoutRedirectUri: string, idTokenHint?: string): Promise<URL | undefined> {
    const config = await this.configuration();
    if (config.serverMetadata().end_session_endpoint === undefined) return undefined;
    const params: Record<string, string> = { post_logout_redirect_uri: postLogoutRedirectUri, client_id: this.#options.clientId };
    if (idTokenHint !== undefined) params['id_token_hint'] = idTokenHint;
    return oidc.buildEndSessionUrl(config, params);
  }
}

function toTokenSet(tokens: TokenResponse, now: number, fallbackClaims: Readonly<Record<string, unknown>>, previousRefresh?: string): TokenSet {
  const claims = tokens.claims() ?? fallbackClaims;
  const expiresIn = tokens.expiresIn();
  const refreshToken = tokens.refresh_token ?? previousRefresh;
  return {
    claims: { ...claims },
    accessToken: tokens.access_token,
    ...(refreshToken === undefined ? {} : { refreshToken }),
    ...(expiresIn === undefined ? {} : { accessExpiresAt: now + expiresIn }),
    ...(tokens.id_token === undefined ? {} : { idToken: tokens.id_token }),
  };
}
