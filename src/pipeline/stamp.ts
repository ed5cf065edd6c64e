// The stamp stage: turns the client's request into the one the upstream receives. Everything
// the client sent about identity, forwarding and its connection is removed first
// (src/http/headers.ts); only then does the proxy add its own, so nothing a client sends can shadow them.

import type { AssertionSigner } from '../auth/assertion.js';
import { identityHeaders } from '../auth/authenticate.js';
import type { CookieRule } from '../http/cookies.js';
import { forwardedHeaders } from '../http/forwarded.js';
import { HeaderPolicy, upstreamHeaders, type HeaderOutput } from '../http/headers.js';
import { isAuthenticated, type Identity } from '../identity/types.js';
import type { ChangeRef, Classification, Exchange, Upstream } from './types.js';

export interface StampOptions {
  /** Cookies that never go upstream: ours, and every upstream's session cookies. */
  readonly dropCookie: CookieRule;
  readonly assertions: AssertionSigner | undefined;
}

export function createStamper(options: StampOptions): (exchange: Exchange, identity: Identity, classification: Classification) => void {
  // One header policy per upstream instance: it strips the upstream's own username header too.
  const policies = new WeakMap<Upstream, HeaderPolicy>();
  const policyFor = (upstream: Upstream): HeaderPolicy => {
    let policy = policies.get(upstream);
    if (policy === undefined) {
      const username = upstream.stamping.usernameHeader;
      policy = new HeaderPolicy({ identityHeaders: username === undefined ? [] : [username], dropCookie: options.dropCookie });
      policies.set(upstream, policy);
    }
    return policy;
  };
  return (exchange, identity, classification) => {
    const { req, upstream } = exchange;
    const headers: HeaderOutput = upstreamHeaders(req.headers, policyFor(upstream), { keepUpgrade: exchange.upgrade !== undefined });
    // The handshake's own hop-by-hop pair: the tunnel needs the upstream to see it.
    if (exchange.upgrade !== undefined) headers['connection'] = 'upgrade';
    // Node answered the client's Expect: 100-continue itself; the upstream gets the body at once.
    delete headers['expect'];
    // A response tap or rewrite reads the bytes: ask for them uncompressed.
    if (classification.responseTap !== undefined || classification.responseRewrite !== undefined) delete headers['accept-encoding'];
    if (classification.body.kind === 'buffered') {
      delete headers['transfer-encoding'];
      headers['content-length'] = String(classification.body.bytes.length);
    }
    Object.assign(
      headers,
      forwardedHeaders(exchange.client),
      { 'x-request-id': exchange.requestId },
      changeHeaders(classification.change),
      identityHeaders(identity, {
        ...(upstream.stamping.usernameHeader === undefined ? {} : { usernameHeader: upstream.stamping.usernameHeader }),
        ...(options.assertions !== undefined && isAuthenticated(identity)
          ? { assertion: options.assertions.assertionFor(identity, upstream.kind, exchange.requestId) }
          : {}),
      }),
    );
    req.headers = headers;
    req.url = upstreamPath(exchange, identity) + (exchange.target.query === '' ? '' : `?${exchange.target.query}`);
  };
}

/** The normalized path, unless the upstream moves it (Gerrit's `/a/`); the prefix stays as it is. */
function upstreamPath(exchange: Exchange, identity: Identity): string {
  const path = exchange.target.path;
  const rewrite = exchange.upstream.stamping.path;
  if (rewrite === undefined) return path;
  const prefix = exchange.upstream.route.prefix;
  return prefix + rewrite(path.slice(prefix.length) || '/', identity);
}

function changeHeaders(change: ChangeRef | undefined): Record<string, string> {
  if (change === undefined) return {};
  const out: Record<string, string> = {};
  if (change.number !== undefined) out['x-changegate-change-number'] = String(change.number);
  if (change.changeId !== undefined) out['x-changegate-change-id'] = change.changeId;
  if (change.project !== undefined) out['x-changegate-change-project'] = encodeURIComponent(change.project);
  if (change.branch !== undefined) out['x-changegate-change-branch'] = encodeURIComponent(change.branch);
  return out;
}
