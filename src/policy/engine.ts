// The decide stage. Holds the current compiled policy and a decision cache; a reload builds a
// complete new snapshot and swaps one reference, so a request never sees half a policy.

import { LRUCache } from 'lru-cache';
import type { Decider, Decision, PolicyInput } from './types.js';
import { decisionFromResultSet, denied, REASON_POLICY_ERROR } from './decision.js';
import { decisionKey, inputJson, SubjectTable } from './input-json.js';

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
  readonly #subjects = new SubjectTable();

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

  /**
   * Drops expired decisions. Entries past their TTL are never returned, but the cache only
   * replaces them under pressure: after a burst of distinct requests (a WebSocket churn, each
   * start a new run id) they would hold their memory until then. The owner calls this on a timer.
   */
  purgeStale(): void {
    this.#cache?.purgeStale();
  }

  decide(input: PolicyInput): Decision {
    const snapshot = this.#snapshot;
    if (snapshot === undefined) return denied('policy_not_loaded', 'none');
    const subject = this.#subjects.entry(input.subject);
    const resourceJson = JSON.stringify(input.resource);
    const key = this.#cache === undefined ? undefined : decisionKey(subject, input, resourceJson);
    if (key !== undefined) {
      const hit = this.#cache?.get(key);
      if (hit !== undefined && hit.revision === snapshot.revision) {
        this.#onEvaluate?.(0, true);
        return hit;
      }
    }
    const started = performance.now();
    let decision: Decision;
    try {
      decision = decisionFromResultSet(snapshot.evaluate(inputJson(subject, input, resourceJson)), snapshot.revision);
    } catch {
      // A Wasm abort (conflict, runaway) must deny, never throw through the proxy.
      decision = denied(REASON_POLICY_ERROR, snapshot.revision);
    }
    this.#onEvaluate?.((performance.now() - started) / 1e3, false);
    if (key !== undefined && !decision.reasons.includes(REASON_POLICY_ERROR)) this.#cache?.set(key, decision);
    return decision;
  }
}
