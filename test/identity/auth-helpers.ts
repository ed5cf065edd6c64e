// Shared set-up for the bearer tests: a config trusting a test IdP, and real IncomingMessages.

import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { configSchema, type Config } from '../../src/config/schema.js';
import type { AuthRequest } from '../../src/auth/types.js';

export function identityConfig(issuers: readonly { issuer: string; audience?: string; jwksUri?: string }[]): Config['identity'] {
  return configSchema.parse({
    upstreams: { gerrit: { url: 'http://127.0.0.1:8081' } },
    identity: {
      bearer: issuers.map((i) => ({ issuer: i.issuer, audience: i.audience ?? 'changegate', ...(i.jwksUri ? { jwksUri: i.jwksUri } : {}) })),
      roles: {
        reviewer: { groups: ['gerrit-reviewers'] },
        operator: { groups: ['data-operators'] },
        ci: { clients: ['ci-runner'] },
        admin: { groups: ['platform-admins'] },
      },
    },
  }).identity;
}

/** A real IncomingMessage carrying the given headers, as the proxy would hand it over. */
export function authRequest(headers: Record<string, string>): AuthRequest {
  const req = new IncomingMessage(new Socket());
  req.method = 'GET';
  req.url = '/';
  for (const [k, v] of Object.entries(headers)) req.headers[k.toLowerCase()] = v;
  return {
    req,
    target: { path: '/', query: '' },
    client: { ip: '127.0.0.1', proto: 'http', host: '127.0.0.1:8080', userAgent: 'test' },
  };
}

export function b64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}
