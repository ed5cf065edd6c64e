// Which client-sent request headers never reach an upstream, and why. Names are compared in
// canonical form: lowercase with `_` read as `-`, because some servers (CGI/WSGI-style, and
// some frameworks) fold `X_Forwarded_User` into the same variable as `X-Forwarded-User`
// (oauth2-proxy CVE-2025-64484 was exactly that). Node keeps underscore names as sent.

export enum Strip {
  Keep = 0,
  /** Hop-by-hop (RFC 9110 7.6.1): describes the client connection, not the request. */
  HopByHop = 1,
  /** Claims who the user is; only the proxy sets these, after stripping. */
  Identity = 2,
  /** Claims who or where the client is, or rewrites the URL or method; the proxy sets its own. */
  Forwarding = 3,
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'http2-settings'];

const IDENTITY = [
  'x-gerrit-runas',
  'x-remote-user',
  'remote-user',
  'x-remote-email',
  'x-remote-groups',
  'x-webauth-user',
  'x-user',
  'x-email',
  // Other X-Forwarded-* names (User, Email, Groups, Preferred-Username, Access-Token),
  // X-Changegate-* and X-Auth-Request-* are matched by prefix in builtinStrip.
];

const FORWARDING = [
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-prefix',
  'x-forwarded-uri',
  'x-forwarded-path',
  'x-forwarded-server',
  'x-forwarded-ssl',
  'x-forwarded-scheme',
  'x-forwarded-method',
  'x-real-ip',
  'x-client-ip',
  'client-ip',
  'true-client-ip',
  'cf-connecting-ip',
  'fastly-client-ip',
  'x-cluster-client-ip',
  'x-original-forwarded-for',
  'x-proxyuser-ip',
  // URL and method overrides some frameworks honour: the upstream would act on a path or
  // method that policy never saw.
  'x-original-url',
  'x-original-uri',
  'x-rewrite-url',
  'x-original-host',
  'x-host',
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
  // Scheme claims read by Jetty's ForwardedRequestCustomizer and others.
  'x-proxied-https',
  'front-end-https',
  'x-url-scheme',
  // Replaced by the proxy's own id (request-id.ts).
  'x-request-id',
];

const EXACT = new Map<string, Strip>([
  ...HOP_BY_HOP.map((n) => [n, Strip.HopByHop] as const),
  ...IDENTITY.map((n) => [n, Strip.Identity] as const),
  ...FORWARDING.map((n) => [n, Strip.Forwarding] as const),
]);

/**
 * Headers a `Connection` token may not remove: the ones classification and policy read. If the
 * upstream did not get them, it would act on a different request from the one we decided on.
 */
export const CONNECTION_PROTECTED: ReadonlySet<string> = new Set([
  'host',
  'content-length',
  'content-type',
  'content-encoding',
  'authorization',
  'cookie',
]);

/** Lowercase, `_` as `-`. Allocates only when the name needs folding. */
export function canonicalHeaderName(name: string): string {
  let n = name;
  for (let i = 0; i < n.length; i++) {
    const c = n.charCodeAt(i);
    if ((c >= 0x41 && c <= 0x5a) || c === 0x5f) {
      n = n.toLowerCase().replace(/_/g, '-');
      break;
    }
  }
  return n;
}

/** Built-in rule for a canonical header name. */
export function builtinStrip(canonical: string): Strip {
  const exact = EXACT.get(canonical);
  if (exact !== undefined) return exact;
  const c0 = canonical.charCodeAt(0);
  if (c0 === 0x70 /* p */ && canonical.startsWith('proxy-')) return Strip.HopByHop;
  if (c0 === 0x78 /* x */) {
    // Every other X-Forwarded-* (User, Email, Groups, Preferred-Username, Access-Token, and
    // any name an upstream might invent) is treated as an identity claim.
    if (canonical.startsWith('x-forwarded-')) return Strip.Identity;
    if (canonical.startsWith('x-changegate-') || canonical.startsWith('x-auth-request-')) return Strip.Identity;
  }
  return Strip.Keep;
}
