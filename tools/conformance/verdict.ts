// Judges one evaluation against a case's expectation, the way OPA's Wasm e2e test does.
import type { ConformanceCase } from './cases.js';
import { compareJson, sortedJson, type Json } from './json-order.js';

export type Outcome =
  | { readonly status: 'passed' }
  | { readonly status: 'failed'; readonly detail: string }
  | { readonly status: 'skipped'; readonly detail: string };

export type Evaluation = { readonly ok: true; readonly result: Json[] } | { readonly ok: false; readonly error: string };

function normalise(results: readonly Json[], sortBindings: boolean): Json[] {
  if (!sortBindings) return [...results];
  return sortedJson(
    results.map((r) => {
      if (r === null || typeof r !== 'object' || Array.isArray(r)) return r;
      return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Array.isArray(v) ? sortedJson(v) : v]));
    }),
  );
}

function sameResults(want: readonly Json[], got: readonly Json[]): boolean {
  return want.length === got.length && want.every((w, i) => compareJson(w, got[i] as Json) === 0);
}

/** Errors OPA reports as eval_conflict_error; on Wasm they surface as these abort messages. */
const CONFLICT = /conflict|must not produce multiple outputs|keys must be unique/;

export function judge(c: ConformanceCase, ev: Evaluation): Outcome {
  // As in OPA's harness, a stated result wins; strict_error alone means the strict-mode error,
  // which on Wasm (no strict builtin errors) is an empty result.
  if (c.strict_error && c.want_result === undefined) {
    // The Wasm target has no strict builtin errors: the expression is just undefined.
    if (!ev.ok) return { status: 'failed', detail: `expected empty result, got error: ${ev.error}` };
    return ev.result.length === 0
      ? { status: 'passed' }
      : { status: 'failed', detail: `expected empty result, got ${JSON.stringify(ev.result)}` };
  }
  if (c.want_result === undefined && (c.want_error_code !== undefined || c.want_error !== undefined)) {
    if (ev.ok) return { status: 'failed', detail: `expected error ${c.want_error_code ?? c.want_error}, got ${JSON.stringify(ev.result)}` };
    const msgOk = c.want_error !== undefined && ev.error.includes(c.want_error);
    const codeOk = c.want_error_code === 'eval_conflict_error' && CONFLICT.test(ev.error);
    return msgOk || codeOk ? { status: 'passed' } : { status: 'failed', detail: `error mismatch: want ${c.want_error_code ?? ''} ${c.want_error ?? ''}, got ${ev.error}` };
  }
  if (c.want_result === undefined) return { status: 'skipped', detail: 'case has no expectation' };
  if (!ev.ok) return { status: 'failed', detail: `unexpected error: ${ev.error}` };
  const sort = c.sort_bindings === true;
  const want = normalise(c.want_result, sort);
  const got = normalise(ev.result, sort);
  return sameResults(want, got)
    ? { status: 'passed' }
    : { status: 'failed', detail: `want ${JSON.stringify(want)}\n      got  ${JSON.stringify(got)}` };
}
