// The per-request types that flow through the pipeline (see pipeline.ts). Each stage takes what
// the previous stage produced and adds its own part; no stage reaches back.

import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { Identity } from '../identity/types.js';
import type { Decision, ResourceInput, UpstreamName } from '../policy/types.js';

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

/**
 * What the request body becomes after classification. A classifier that read part of the body
 * hands the bytes it consumed back so they are forwarded unchanged, and never a half request.
 */
export type ForwardBody =
  | { readonly kind: 'untouched' }
  | { readonly kind: 'buffered'; readonly bytes: Buffer }
  | { readonly kind: 'stream'; readonly stream: Readable };

/** A Gerrit change, as far as the request tells us. */
export interface ChangeRef {
  readonly number?: number;
  readonly changeId?: string;
  readonly project?: string;
  readonly branch?: string;
}

/**
 * Reads the upstream response as it streams past, never holding it back, and says what it
 * learned (the change numbers a push created, the run id of a launch) for the completion record.
 */
export interface ResponseTap {
  push(chunk: Buffer): void;
  learned(): Readonly<Record<string, unknown>> | undefined;
}

/**
 * Replaces a successful upstream response body (Dagster's permission fields, rewritten per user).
 * The forwarder holds such a response back whole; one larger than `maxBytes` passes unchanged.
 * Asking for one also makes the upstream answer uncompressed (stamp drops Accept-Encoding).
 */
export interface ResponseRewrite {
  readonly maxBytes: number;
  /** The whole upstream body of a 2xx, uncompressed response; returns the body to send. */
  rewrite(body: Buffer): Buffer;
}

export interface Classification {
  readonly action: string;
  readonly resource: ResourceInput;
  readonly change?: ChangeRef;
  readonly body: ForwardBody;
  readonly responseTap?: ResponseTap;
  readonly responseRewrite?: ResponseRewrite;
}

export interface ClassifyRequest {
  readonly upstream: UpstreamName;
  readonly method: string;
  readonly target: NormalizedTarget;
  readonly req: IncomingMessage;
  readonly identity: Identity;
  readonly requestId: string;
  /** The client's address as the trusted-proxy rules see it (what policy gets as request.ip). */
  readonly clientIp: string;
}

/** Turns a request into an action and a resource. One per upstream; see gerrit/ and dagster/. */
export interface Classifier {
  classify(request: ClassifyRequest): Promise<Classification>;
}

export type { Decision };
