// Keeps each change's current impact, for main to wire between the deployments loop and the
// branch instances: `compute` when a deployment is ready or either side reloads, `reasons(...)`
// as the branch instance's changedReasons getter, `current(...)` for the message, the API and
// the submit gate.
//
// - Production's graph is read once per production revision and shared by every change (ten
//   open changes must not read a 10,000-asset graph ten times); `productionReloaded()` drops it.
// - A result is stale once the patch set, its commit or production's revision moved on: it is
//   then never served (the getter answers undefined, the UI keeps Dagster's []).
// - One computation per change at a time; a newer request for the same change wins, an older
//   one finishing late is dropped.

import { classifyImpact } from './classify.js';
import { changedReasonsLookup, type ChangedReasonsLookup } from './lookup.js';
import type { ChangedReasonsSource } from './response.js';
import type { AssetGraph, AssetImpact, ComputedFor } from './types.js';

export interface ImpactTrackerOptions {
  /** Reads a webserver's graph (fetchAssetGraph with the endpoint and bounds main chooses). */
  readonly read: (endpoint: string) => Promise<AssetGraph>;
  readonly productionEndpoint: string;
  /** Production's current revision (its git sha or reload marker); part of every result's identity. */
  readonly productionRevision: () => string;
}

interface Stored {
  readonly impact: AssetImpact;
  readonly lookup: ChangedReasonsLookup;
}

export class ImpactTracker {
  readonly #options: ImpactTrackerOptions;
  readonly #results = new Map<number, Stored>();
  readonly #latest = new Map<number, symbol>();
  #production: { revision: string; graph: Promise<AssetGraph> } | undefined;

  constructor(options: ImpactTrackerOptions) {
    this.#options = options;
  }

  /**
   * Reads the branch (and production, unless cached) and classifies. Resolves to the result, or
   * to undefined when a newer compute for the change overtook this one. Rejects when a read fails
   * (then the change has no current result: policy sees `impact: null`).
   */
  async compute(change: number, branchEndpoint: string, at: Omit<ComputedFor, 'productionRevision'>): Promise<AssetImpact | undefined> {
    const ticket = Symbol(`change ${change}`);
    this.#latest.set(change, ticket);
    const revision = this.#options.productionRevision();
    try {
      const [branch, production] = await Promise.all([this.#options.read(branchEndpoint), this.#productionGraph(revision)]);
      if (this.#latest.get(change) !== ticket) return undefined;
      const impact = classifyImpact(branch, production, { ...at, productionRevision: revision });
      this.#results.set(change, { impact, lookup: changedReasonsLookup(impact) });
      return impact;
    } catch (e) {
      if (this.#latest.get(change) === ticket) this.#results.delete(change);
      throw e;
    } finally {
      if (this.#latest.get(change) === ticket) this.#latest.delete(change);
    }
  }

  /** The result for exactly this patch set and commit, against production as it is now. */
  current(change: number, at: Omit<ComputedFor, 'productionRevision'>): AssetImpact | undefined {
    const stored = this.#fresh(change, at);
    return stored?.impact;
  }

  /** The branch instance's changedReasons getter, bound to the patch set that instance serves. */
  reasons(change: number, at: Omit<ComputedFor, 'productionRevision'>): ChangedReasonsSource {
    return () => this.#fresh(change, at)?.lookup;
  }

  /** Production reloaded (or was redeployed): its graph is read again on the next compute. */
  productionReloaded(): void {
    this.#production = undefined;
  }

  /** The change closed. */
  forget(change: number): void {
    this.#results.delete(change);
    this.#latest.delete(change);
  }

  #fresh(change: number, at: Omit<ComputedFor, 'productionRevision'>): Stored | undefined {
    const stored = this.#results.get(change);
    if (stored === undefined) return undefined;
    const f = stored.impact.computedFor;
    const current = f.patchset === at.patchset && f.gitSha === at.gitSha && f.productionRevision === this.#options.productionRevision();
    return current ? stored : undefined;
  }

  #productionGraph(revision: string): Promise<AssetGraph> {
    if (this.#production?.revision !== revision) {
      const graph = this.#options.read(this.#options.productionEndpoint);
      const entry = { revision, graph };
      this.#production = entry;
      // A failed read is not cached: the next compute tries again.
      graph.catch(() => {
        if (this.#production === entry) this.#production = undefined;
      });
    }
    return this.#production!.graph;
  }
}
