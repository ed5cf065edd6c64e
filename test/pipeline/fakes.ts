// Small stand-ins for unit tests of the pipeline and of upstream parts: an upstream instance
// built from plain functions, an exchange for it, and identities.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OidcIdentity } from '../../src/identity/types.js';
import type { Classification, Exchange, Upstream } from '../../src/pipeline/types.js';

export const ALICE: OidcIdentity = {
  kind: 'authenticated', via: 'oidc', id: 'alice', username: 'alice', email: 'alice@example.com', groups: [], roles: ['operator'], issuer: 'http://idp', human: true, sessionId: 's1',
};

/** An upstream whose every part is given or inert: classifies everything as `fake.read`. */
export function fakeUpstream(overrides: Partial<Upstream> & { readonly origin?: string; readonly prefix?: string } = {}): Upstream {
  const { origin, prefix, ...rest } = overrides;
  return {
    kind: 'fake',
    name: 'fake',
    route: { target: new URL(origin ?? 'http://127.0.0.1:9'), host: undefined, prefix: prefix ?? '', timeoutMs: 5_000 },
    classifier: { classify: async () => ({ action: 'fake.read', resource: { upstream: 'fake' }, body: { kind: 'untouched' } }) },
    stamping: {},
    effects: [],
    ...rest,
  };
}

/** An exchange with no real request behind it: for code that reads only ids, targets and the upstream. */
export function fakeExchange(upstream: Upstream, requestId = 'req-1', path = '/x'): Exchange {
  const req = { method: 'POST', headers: {} } as IncomingMessage;
  return {
    req,
    res: {} as ServerResponse,
    requestId,
    client: { ip: '127.0.0.1', proto: 'http', host: 'x', userAgent: 'test', peer: '127.0.0.1', peerTrusted: false, forwardedFor: '127.0.0.1' },
    target: { path, query: '' },
    upstream,
  };
}

export function classification(action: string, resource: Record<string, unknown>, extra: Partial<Classification> = {}): Classification {
  return { action, resource: { upstream: 'fake', ...resource }, body: { kind: 'untouched' }, ...extra };
}
