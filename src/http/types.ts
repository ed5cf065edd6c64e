// What the HTTP layer learns about a request before anything else reads it: the normalized
// target and the client connection. Both are facts about HTTP, not about any upstream, so the
// authenticators (src/auth) and the pipeline read them from here.

/** A request target after normalization (normalize.ts). */
export interface NormalizedTarget {
  /** Normalized path: dot segments resolved, slashes merged, unreserved octets decoded, %2F kept. */
  readonly path: string;
  /** Raw query string without the leading `?` ('' when absent), with `access_token` removed. */
  readonly query: string;
}

/** Facts about the client connection, computed once with the trusted-proxy rules applied. */
export interface ClientInfo {
  readonly ip: string;
  readonly proto: 'http' | 'https';
  readonly host: string;
  readonly userAgent: string;
}
