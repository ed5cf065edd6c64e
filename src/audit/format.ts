// Human-readable renderings of audit exchanges: a fixed-column table and one-line summaries.

import type { Exchange, Json } from './query.js';

const obj = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);

export function subjectOf(d: Json): string {
  const s = obj(d['subject']);
  if (s === undefined) return 'anonymous';
  return String(s['email'] ?? s['id'] ?? '?');
}

export function verdictOf(d: Json): 'allow' | 'deny' {
  return obj(d['decision'])?.['allow'] === true ? 'allow' : 'deny';
}

export function outcomeOf(e: Exchange): string {
  const c = e.completion;
  if (verdictOf(e.decision) === 'deny') {
    const reasons = obj(e.decision['decision'])?.['reasons'];
    return Array.isArray(reasons) && reasons.length > 0 ? `denied (${reasons.join(', ')})` : 'denied';
  }
  if (c === undefined) return 'no completion recorded';
  const error = typeof c['error'] === 'string' ? ` error=${c['error']}` : '';
  return `${String(c['status'])} in ${String(c['durationMs'])} ms${error}`;
}

export function learnedOf(e: Exchange): string {
  const learned = obj(e.completion?.['learned']);
  if (learned === undefined) return '';
  return Object.entries(learned).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
}

function changeOf(d: Json): string {
  const c = obj(d['change']);
  if (c === undefined) return '';
  return String(c['number'] ?? c['changeId'] ?? '');
}

export function renderTable(exchanges: readonly Exchange[]): string {
  const rows = exchanges.map((e) => [
    String(e.decision['time'] ?? ''),
    subjectOf(e.decision),
    String(e.decision['action'] ?? ''),
    verdictOf(e.decision),
    changeOf(e.decision),
    obj(e.decision['request'])?.['method'] + ' ' + String(obj(e.decision['request'])?.['path'] ?? ''),
    outcomeOf(e),
    String(e.decision['requestId'] ?? ''),
  ]);
  const header = ['TIME', 'SUBJECT', 'ACTION', 'DECISION', 'CHANGE', 'REQUEST', 'OUTCOME', 'REQUEST ID'];
  const widths = header.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.slice(0, widths[i]).padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}
