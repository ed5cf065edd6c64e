// Readiness: named probes, each `() => {ready, reason?}`. Ready means every required probe is
// registered and ready. A required name nobody registered counts as not ready, so forgetting to
// wire the audit sink can't make the proxy look healthy to a load balancer.

export interface ProbeResult {
  readonly ready: boolean;
  readonly reason?: string;
}

export type ReadinessProbe = () => ProbeResult;

/** The parts the proxy must have loaded before it takes traffic (issue 2, Observability). */
export const REQUIRED_PROBES = ['config', 'policy', 'audit'] as const;

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, ProbeResult>>;
  /** Names that are not ready, in order. */
  readonly notReady: readonly string[];
}

export class Readiness {
  readonly #probes = new Map<string, ReadinessProbe>();
  readonly #required: readonly string[];

  constructor(required: readonly string[] = REQUIRED_PROBES) {
    this.#required = required;
  }

  /** Register (or replace) a probe. Returns a function that removes it. */
  register(name: string, probe: ReadinessProbe): () => void {
    this.#probes.set(name, probe);
    return () => {
      if (this.#probes.get(name) === probe) this.#probes.delete(name);
    };
  }

  check(): ReadinessReport {
    const checks: Record<string, ProbeResult> = {};
    for (const name of this.#required) {
      if (!this.#probes.has(name)) checks[name] = { ready: false, reason: 'not registered' };
    }
    for (const [name, probe] of this.#probes) checks[name] = runProbe(probe);
    const notReady = Object.keys(checks).filter((n) => checks[n]?.ready !== true);
    return { ready: notReady.length === 0, checks, notReady };
  }
}

function runProbe(probe: ReadinessProbe): ProbeResult {
  try {
    const r = probe();
    return r.reason === undefined ? { ready: r.ready === true } : { ready: r.ready === true, reason: r.reason };
  } catch (e) {
    // A throwing probe is a not-ready component, not a crashed admin endpoint.
    return { ready: false, reason: `probe failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}
