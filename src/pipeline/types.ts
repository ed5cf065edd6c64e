// The per-request types that flow through the pipeline (see pipeline.ts), and the one interface
// every upstream implements (`Upstream`). Each stage takes what the previous stage produced and
// adds its own part; no stage reaches back.
//
// This file is the contract between the pipeline and the upstreams (src/upstreams/*): it imports
// only types, and only from identity, policy and the HTTP facts the ingress computes (src/http).

import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { ChangegateError } from '../errors.js';
import type { ForwardedClientInfo } from '../http/forwarded.js';
import type { NormalizedTarget } from '../http/types.js';
import type { Identity } from '../identity/types.js';
import type { Decision, ResourceInput, UpstreamName } from '../policy/types.js';

export type { ClientInfo, NormalizedTarget } from '../http/types.js';
export type { Decision };

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

/** Turns a request into an action and a resource. One per upstream. */
export interface Classifier {
  classify(request: ClassifyRequest): Promise<Classification>;
}

/** A WebSocket handshake: the raw client socket and the bytes read past the request head. */
export interface Upgrade {
  readonly socket: Socket;
  readonly head: Buffer;
}

/** One request on its way through the pipeline. */
export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly requestId: string;
  readonly client: ForwardedClientInfo;
  readonly target: NormalizedTarget;
  /** The upstream instance the route table matched; it serves this request to the end. */
  readonly upstream: Upstream;
  /** Present for a WebSocket handshake; `res` then writes onto the upgrade socket. */
  readonly upgrade?: Upgrade;
}

export interface ForwardOutcome {
  readonly status: number;
  readonly bytesOut: number;
  readonly durationMs: number;
  /** Set when no complete upstream response reached the client. */
  readonly error?: ChangegateError;
  /** Set when the upstream answered; lets stampers read response headers. */
  readonly responseHeaders?: IncomingHttpHeaders;
  /** What the classifier's response tap learned from the response. */
  readonly learned?: Readonly<Record<string, unknown>>;
}

/** Where an upstream instance is mounted, and where it lives. */
export interface UpstreamRoute {
  /** The upstream's origin (and the base of its lookups). */
  readonly target: URL;
  /** Lower-cased host to match, or undefined to match any Host. */
  readonly host: string | undefined;
  /** Prefix without a trailing slash; '' for the root prefix. */
  readonly prefix: string;
  /** How long the upstream may take to answer, and to send each part of its response. */
  readonly timeoutMs: number;
}

/** How an allowed request is rewritten for this upstream, beyond what every upstream gets. */
export interface UpstreamStamping {
  /** The header the upstream takes the username from (Gerrit's auth.httpHeader). */
  readonly usernameHeader?: string;
  /**
   * The upstream's own session cookies. They are dropped from every forwarded request and every
   * upstream response, whichever upstream it is: a session cookie must not speak for anyone.
   */
  readonly sessionCookies?: ReadonlySet<string>;
  /** The path the upstream receives, given the normalized path below the prefix (Gerrit's `/a/`). */
  path?(pathBelowPrefix: string, identity: Identity): string;
}

/**
 * Decide + write-ahead audit for one message inside an allowed connection (a graphql-ws
 * `start` frame): the same code the pipeline runs for an HTTP request, under the request id
 * `<handshake id>/ws<n>`.
 */
export interface FrameGate {
  /** Decides one classified frame and records the decision; a record that cannot be written is a denial. */
  decide(classification: Classification): Promise<Decision>;
  /** Records a frame refused before any decision (unreadable, not allowed here) as a denial with `code`. */
  refuse(classification: Classification, code: string): Promise<void>;
}

/** What an after-forward effect is told: the allowed exchange and its 2xx outcome. */
export interface ForwardedExchange {
  readonly exchange: Exchange;
  readonly identity: Identity;
  readonly classification: Classification;
  readonly outcome: ForwardOutcome;
}

/**
 * Something that happens because an allowed request succeeded upstream (a merged change revokes
 * its tokens; a launched run is announced on its change). Runs after the completion record is
 * durable, only for a 2xx, in the order the upstream lists them. Must not throw; slow work is
 * started, not awaited.
 */
export interface AfterForwardEffect {
  readonly name: string;
  run(forwarded: ForwardedExchange): void;
}

/** A route the upstream serves on the admin listener (Gerrit's webhooks). */
export interface AdminRoute {
  readonly method: string;
  readonly path: string;
  handle(req: IncomingMessage, res: ServerResponse, requestId: string): void | Promise<void>;
}

/**
 * One upstream instance: everything the pipeline needs to know about it, and nothing the
 * pipeline has to know by name. src/upstreams/<kind>/ builds one from its config; the route
 * table holds any number of them and can add and remove them while serving.
 */
export interface Upstream {
  /** The kind ('gerrit', 'dagster'): policy's resource.upstream, the metrics label, the assertion audience. */
  readonly kind: UpstreamName;
  /** This instance's name, unique in the route table ('dagster', 'dagster-change-42'). */
  readonly name: string;
  readonly route: UpstreamRoute;
  /** Refuses, before authentication, a target this upstream would read differently from us. */
  admit?(target: NormalizedTarget): ChangegateError | undefined;
  readonly classifier: Classifier;
  readonly stamping: UpstreamStamping;
  /**
   * Carries an allowed WebSocket upgrade whose frames must be judged (Dagster's graphql-ws),
   * in place of the raw tunnel; each frame goes through `frames`. Resolves when the socket closes.
   */
  tunnel?(exchange: Exchange, frames: FrameGate): Promise<ForwardOutcome>;
  readonly effects: readonly AfterForwardEffect[];
  /** Mounted on the admin listener when the proxy starts (an instance added later serves none). */
  readonly adminRoutes?: readonly AdminRoute[];
  /** Releases what the instance holds; called once its last in-flight request has finished. */
  close?(): Promise<void>;
}
