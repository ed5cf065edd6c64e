// The stamp stage: turns the client's request into the one the upstream receives. Everything
// the client sent about identity, forwarding and its connection is removed first
// (headers.ts); only then does the proxy add its own, so nothing a client sends can shadow them.

import type { AssertionSigner } from '../auth/assertion.js';
import { identityHeaders } from '../auth/authenticate.js';
import { gerritAuthenticatedPath } from '../auth/session/upstream-cookies.js';
import { isAuthenticated, type Identity } from '../identity/types.js';
import { forwardedHeaders } from '../http/forwarded.js';
import { upstreamHeaders, type HeaderPolicy, type HeaderOutput } from '../http/headers.js';
import type { Exchange } from './pipeline.js';
import type { ChangeRef, Classification } from './types.js';

export interface StampOptions {
  readonly headerPolicy: HeaderPolicy;
  /** Gerrit's auth.httpHeader. */
  readonly gerritUsernameHeader: string;
  readonly assertions: AssertionSigner | undefined;
}

export function createStamper(options: StampOptions): (exchange: Exchange, identity: Identity, classification: Classification) => void {
  return (exchange, identity, classification) => {
    const { req } = exchange;
    const headers: HeaderOutput = upstreamHeaders(req.headers, options.headerPolicy, { keepUpgrade: exchange.upgrade !== undefined });
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
        usernameHeader: options.gerritUsernameHeader,
        ...(options.assertions !== undefined && isAuthenticated(identity)
          ? { assertion: options.assertions.assertionFor(identity, exchange.route.upstream, exchange.requestId) }
          : {}),
      }),
    );
    req.headers = headers;
    req.url = upstreamPath(exchange, identity) + (exchange.target.query === '' ? '' : `?${exchange.target.query}`);
  };
}

function upstreamPath(exchange: Exchange, identity: Identity): string {
  const path = exchange.target.path;
  // Gerrit authorizes calls without /a/ by its own session cookie, which we never forward;
  // under /a/ it takes the user from our header (auth.trustContainerAuth).
  if (exchange.route.upstream === 'gerrit' && isAuthenticated(identity)) {
    const prefix = exchange.route.prefix;
    return prefix + gerritAuthenticatedPath(path.slice(prefix.length) || '/');
  }
  return path;
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
