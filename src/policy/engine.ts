// The decide stage. Holds the current compiled policy and a decision cache; a reload builds a
// complete new snapshot and swaps one reference, so a request never sees half a policy.

import { LRUCache } from 'lru-cache';
import type { Decider, Decision, PolicyInput } from './types.js';
import { decisionFromResultSet, denied, REASON_POLICY_ERROR } from './decision.js';

/** A loaded, ready-to-evaluate policy (see load.ts). */
export interface PolicySnapshot {
  readonly revision: string;
  /** Evaluates the entrypoint on a JSON-serialised input; returns the SDK's result set. */
  evaluate(inputJson: string): unknown;
}

export interface EngineOptions {
  readonly cacheSize: number;
  readonly cacheTtlMs: number;
  /** Called with the evaluation time of every uncached decision, in seconds. */
  readonly onEvaluate?: (seconds: number, cached: boolean) => void;
}

export class PolicyEngine implements Decider {
  #snapshot: PolicySnapshot | undefined;
  readonly #cache: LRUCache<string, Decision> | undefined;
  readonly #onEvaluate: ((seconds: number, cached: boolean) => void) | undefined;

  constructor(options: EngineOptions) {
    this.#cache =
      options.cacheSize > 0 ? new LRUCache({ max: options.cacheSize, ttl: options.cacheTtlMs, ttlAutopurge: false }) : undefined;
    this.#onEvaluate = options.onEvaluate;
  }

  get ready(): boolean {
    return this.#snapshot !== undefined;
  }

  get revision(): string | undefined {
    return this.#snapshot?.revision;
  }

  /** Atomically replaces the policy. Cached decisions of the old policy are dropped. */
  swap(snapshot: PolicySnapshot): void {
    this.#snapshot = snapshot;
    this.#cache?.clear();
  }

  decide(input: PolicyInput): Decision {
    const snapshot = this.#snapshot;
    if (snapshot === undefined) return denied('policy_not_loaded', 'none');
    const json = JSON.stringify(input);
    const key = cacheKey(json);
    const hit = this.#cache?.get(key);
    if (hit !== undefined && hit.revision === snapshot.revision) {
      this.#onEvaluate?.(0, true);
      return hit;
    }
    const started = process.hrtime.bigint();
    let decision: Decision;
    try {
      decision = decisionFromResultSet(snapshot.evaluate(json), snapshot.revision);
    } catch {
      // A Wasm abort (conflict, runaway) must deny, never throw through the proxy.
      decision = denied(REASON_POLICY_ERROR, snapshot.revision);
    }
    this.#onEvaluate?.(Number(process.hrtime.bigint() - started) / 1e9, false);
    if (!decision.reasons.includes(REASON_POLICY_ERROR)) this.#cache?.set(key, decision);
    return decision;
  }
}

const REQUEST_ID_TAIL = ',"requestId":';

/**
 * The input without its request id: that differs on every request and is correlation, not a
 * decision input. policyInput() puts it last in `request`, itself last in the input, so it is
 * the serialized input's tail; cutting it there saves a second serialization on every request.
 * A `"` inside a JSON string is escaped, so the marker cannot occur inside a value.
 */
function cacheKey(json: string): string {
  const at = json.lastIndexOf(REQUEST_ID_TAIL);
  return at === -1 ? json : json.slice(0, at);
}
