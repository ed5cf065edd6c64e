// Filtering decision records and joining each with its completion (by requestId), for
// `changegate audit query` and `audit report`.

export type Json = Readonly<Record<string, unknown>>;

export interface QueryFilter {
  readonly change?: number;
  readonly subject?: string;
  /** Exact action, or a prefix when it ends in `*` (gerrit.change.*). */
  readonly action?: string;
  readonly decision?: 'allow' | 'deny';
  /** Inclusive bounds, epoch milliseconds. */
  readonly since?: number;
  readonly until?: number;
}

/** One decision and, when the request was forwarded and answered, its completion. */
export interface Exchange {
  readonly decision: Json;
  readonly completion: Json | undefined;
}

const obj = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);

export function joinExchanges(all: readonly Json[]): Exchange[] {
  const completions = new Map<string, Json>();
  for (const r of all) if (r['kind'] === 'completion' && typeof r['requestId'] === 'string') completions.set(r['requestId'], r);
  return all
    .filter((r) => r['kind'] === 'decision')
    .map((decision) => ({ decision, completion: typeof decision['requestId'] === 'string' ? completions.get(decision['requestId']) : undefined }));
}

/** The change a record is about: its `change.number`, or one its response taught us. */
export function changeNumbers(e: Exchange): number[] {
  const found: number[] = [];
  const n = obj(e.decision['change'])?.['number'];
  if (typeof n === 'number') found.push(n);
  const learned = obj(e.completion?.['learned']);
  for (const [k, v] of Object.entries(learned ?? {})) {
    if (!/change/i.test(k)) continue;
    const num = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
    if (num !== undefined) found.push(num);
  }
  return found;
}

export function matches(e: Exchange, f: QueryFilter): boolean {
  const d = e.decision;
  if (f.change !== undefined && !changeNumbers(e).includes(f.change)) return false;
  if (f.subject !== undefined) {
    const s = obj(d['subject']);
    if (s === undefined || (s['id'] !== f.subject && s['email'] !== f.subject)) return false;
  }
  if (f.action !== undefined) {
    const action = String(d['action'] ?? '');
    const ok = f.action.endsWith('*') ? action.startsWith(f.action.slice(0, -1)) : action === f.action;
    if (!ok) return false;
  }
  if (f.decision !== undefined && (obj(d['decision'])?.['allow'] === true) !== (f.decision === 'allow')) return false;
  const t = Date.parse(String(d['time'] ?? ''));
  if (f.since !== undefined && !(t >= f.since)) return false;
  if (f.until !== undefined && !(t <= f.until)) return false;
  return true;
}

export function query(all: readonly Json[], f: QueryFilter): Exchange[] {
  return joinExchanges(all).filter((e) => matches(e, f));
}
