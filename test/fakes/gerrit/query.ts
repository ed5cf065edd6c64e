// A subset of Gerrit's change query language: terms are ANDed, `-term` negates, unknown
// operators are a 400 as in Gerrit. Enough for git-review (`N`, `project:p status:open`) and for
// the proxy's own lookups.

import type { Account, Change, GerritModel } from './model.js';

export class QueryError extends Error {}

type Predicate = (c: Change) => boolean;

export function parseQuery(q: string, model: GerritModel, self: Account | undefined): Predicate {
  const terms = q.trim().split(/\s+/).filter((t) => t !== '');
  const preds = terms.map((t) => (t.startsWith('-') ? negate(term(t.slice(1), model, self)) : term(t, model, self)));
  return (c) => preds.every((p) => p(c));
}

function negate(p: Predicate): Predicate {
  return (c) => !p(c);
}

function unquote(v: string): string {
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}

function term(t: string, model: GerritModel, self: Account | undefined): Predicate {
  const colon = t.indexOf(':');
  if (colon < 0) return bare(t, model);
  const op = t.slice(0, colon).toLowerCase();
  const value = unquote(t.slice(colon + 1));
  switch (op) {
    case 'status':
    case 'is':
      return status(value);
    case 'project':
      return (c) => c.project === value;
    case 'branch':
      return (c) => c.branch === value.replace(/^refs\/heads\//, '');
    case 'topic':
      return (c) => c.topic === value;
    case 'hashtag':
      return (c) => c.hashtags.includes(value);
    case 'change':
      return bare(value, model);
    case 'commit':
      return (c) => c.patchSets.some((p) => p.sha.startsWith(value));
    case 'owner': {
      const who = value === 'self' ? self : model.findAccount(value);
      if (value === 'self' && self === undefined) throw new QueryError('"self" is not supported for anonymous users');
      return (c) => who !== undefined && c.owner === who._account_id;
    }
    default:
      throw new QueryError(`Unsupported operator ${op}:${value}`);
  }
}

function bare(t: string, model: GerritModel): Predicate {
  if (/^\d+$/.test(t)) return (c) => c.number === Number(t);
  if (/^I[0-9a-f]{4,40}$/.test(t)) return (c) => c.changeId.startsWith(t);
  if (/^[0-9a-f]{4,40}$/.test(t)) return (c) => c.patchSets.some((p) => p.sha.startsWith(t));
  if (t.includes('~')) {
    const change = model.resolve(t);
    return (c) => c === change;
  }
  throw new QueryError(`Unsupported query: ${t}`);
}

function status(v: string): Predicate {
  switch (v.toLowerCase()) {
    case 'open':
    case 'new':
    case 'pending':
      return (c) => c.status === 'NEW';
    case 'merged':
      return (c) => c.status === 'MERGED';
    case 'abandoned':
      return (c) => c.status === 'ABANDONED';
    case 'closed':
      return (c) => c.status !== 'NEW';
    case 'wip':
      return (c) => c.wip;
    case 'private':
      return (c) => c.isPrivate;
    default:
      throw new QueryError(`Unrecognized value: ${v}`);
  }
}
