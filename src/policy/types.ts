// The policy boundary. `PolicyInput` *is* the Rego `input` document; its field names are the
// contract with every policy in policies/ and with policies users write.

import type { Role, Via } from '../identity/types.js';

/**
 * The kind of upstream a request goes to ('gerrit', 'dagster'): `input.resource.upstream`.
 * Not a closed list here: each kind under src/upstreams names itself, and policy matches on it.
 */
export type UpstreamName = string;

export interface SubjectInput {
  readonly id: string;
  readonly email?: string;
  readonly username: string;
  readonly groups: readonly string[];
  readonly roles: readonly Role[];
  readonly via: Via;
  readonly human: boolean;
}

/** What the request touches. Classifiers add upstream-specific attributes (project, change, job...). */
export interface ResourceInput {
  readonly upstream: UpstreamName;
  readonly [attribute: string]: unknown;
}

export interface RequestInput {
  readonly method: string;
  /** The normalized path: what routing, classification and forwarding all see. */
  readonly path: string;
  readonly ip: string;
  readonly requestId: string;
}

export interface PolicyInput {
  /** `null` for an anonymous request: policies decide what, if anything, anonymous may do. */
  readonly subject: SubjectInput | null;
  readonly action: string;
  readonly resource: ResourceInput;
  readonly request: RequestInput;
}

export interface Decision {
  readonly allow: boolean;
  /** Why: closed-vocabulary strings from the policy, carried unchanged into the audit log. */
  readonly reasons: readonly string[];
  /** Identifies the policy build that decided (content hash). */
  readonly revision: string;
}

/** Anything that can decide. The Wasm engine is one; tests can supply a different one. */
export interface Decider {
  decide(input: PolicyInput): Decision;
  readonly ready: boolean;
}
