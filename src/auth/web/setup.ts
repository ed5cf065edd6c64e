// Builds browser sign-in, sessions and PATs from the config: the one place that knows how the
// pieces fit. The proxy server mounts `router` at /.changegate, puts `patAuthenticator` and
// `sessionAuthenticator` in its authenticator chain (PAT before session: an explicit
// Authorization header wins over an ambient cookie), applies `setCookies` from an authenticated
// result to the response, filters forwarded cookies with cookiesToForward, and answers anonymous
// or rejected requests with `respondUnauthenticated`.

import type { Router } from 'express';
import type { Config } from '../../config/schema.js';
import { mappedGroups } from '../../identity/roles.js';
import { OidcClient } from '../oidc/client.js';
import { PatAuthenticator } from '../pat/authenticator.js';
import { FileTokenStore } from '../pat/file-store.js';
import { PatService } from '../pat/service.js';
import type { TokenStore } from '../pat/types.js';
import { SessionAuthenticator } from '../session/authenticator.js';
import type { SessionShape } from '../session/build.js';
import { SessionCodec } from '../session/codec.js';
import { keyringFromSecrets, loadSessionSecrets } from '../session/keys.js';
import { RefreshCoordinator } from '../session/refresh.js';
import { roleMapper } from '../session/roles.js';
import { systemClock } from '../session/types.js';
import type { Clock } from '../session/types.js';
import type { AuthEvent, AuthRoutesContext } from './context.js';
import { createAuthRouter } from './router.js';

export interface BrowserAuthOptions {
  readonly warn: (message: string) => void;
  readonly onEvent?: (e: AuthEvent) => void;
  /** Default: the file store under config.stateDir. */
  readonly tokenStore?: TokenStore;
  readonly clock?: Clock;
}

export interface BrowserAuth {
  readonly router: Router;
  readonly sessionAuthenticator: SessionAuthenticator;
  readonly patAuthenticator: PatAuthenticator;
  readonly pats: PatService;
  /** Cookies are `__Host-` and Secure: publicUrl is https. */
  readonly secure: boolean;
  readonly context: AuthRoutesContext;
  close(): Promise<void>;
}

export async function createBrowserAuth(config: Config, options: BrowserAuthOptions): Promise<BrowserAuth> {
  const clock = options.clock ?? systemClock;
  const origin = new URL(config.publicUrl).origin;
  const secure = origin.startsWith('https:');
  const session = config.identity.session;
  const keyring = keyringFromSecrets(await loadSessionSecrets(session.keys, config.stateDir, options.warn));
  const codec = new SessionCodec(keyring, { absoluteSeconds: session.absoluteLifetimeSeconds, idleSeconds: session.idleLifetimeSeconds });
  const oidcConfig = config.identity.oidc;
  const shape: SessionShape = {
    lifetimes: codec.lifetimes,
    maxGroups: session.maxGroups,
    namedGroups: mappedGroups(config.identity.roles),
    profile: { usernameClaim: oidcConfig?.usernameClaim ?? 'preferred_username', groupsClaim: config.identity.groupsClaim },
  };
  const oidc = oidcConfig === undefined
    ? undefined
    : new OidcClient({
        issuer: oidcConfig.issuer,
        clientId: oidcConfig.clientId,
        scopes: oidcConfig.scopes,
        redirectUri: `${origin}/.changegate/callback`,
        clock,
        ...(oidcConfig.clientSecret === undefined ? {} : { clientSecret: oidcConfig.clientSecret }),
      });
  const refresher = oidc === undefined
    ? undefined
    : new RefreshCoordinator(async (rt) => ({ ok: true, tokens: await oidc.refresh(rt, {}) }));
  const roles = roleMapper(config.identity.roles);
  const sessionAuthenticator = new SessionAuthenticator({ codec, shape, roles, clock, secure, ...(refresher === undefined ? {} : { refresher }) });
  const store = options.tokenStore ?? (await FileTokenStore.open(config.stateDir));
  const pats = new PatService(store, roles, clock);
  const context: AuthRoutesContext = {
    publicUrl: config.publicUrl,
    secure,
    sessions: sessionAuthenticator,
    codec,
    shape,
    pats,
    clock,
    ...(oidc === undefined ? {} : { oidc }),
    ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
  };
  return {
    router: createAuthRouter(context),
    sessionAuthenticator,
    patAuthenticator: new PatAuthenticator(pats),
    pats,
    secure,
    context,
    close: () => store.close(),
  };
}
