// Metric label values must come from small sets: every distinct value is a new time series,
// and a path or a user name as a label would grow without bound. Values are checked against a
// shape and a per-label cap; anything outside becomes "other".

export const OTHER = 'other';

const SHAPE = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

/** Admits at most `limit` distinct values; later newcomers map to "other". */
export class BoundedLabel {
  readonly #seen = new Set<string>();
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  value(raw: string | undefined): string {
    if (raw === undefined || raw === '') return 'none';
    // A value admitted before passed the shape test then: a set lookup, not a regex, per request.
    if (this.#seen.has(raw)) return raw;
    if (!SHAPE.test(raw)) return OTHER;
    if (this.#seen.size >= this.#limit) return OTHER;
    this.#seen.add(raw);
    return raw;
  }
}

export type DecisionLabel = 'allow' | 'deny' | 'error' | 'none';

export type UpstreamErrorKind = 'connect' | 'timeout' | 'reset' | 'protocol' | 'other';

/** A status code as a label: the exact code when it is a real HTTP status, else "other". */
export function statusLabel(status: number): string {
  return Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : OTHER;
}
