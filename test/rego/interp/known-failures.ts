// Checked-in known-failures lists: a conformance case that fails and is not listed is a
// regression. Set CHANGEGATE_UPDATE_KNOWN=1 to rewrite a list after real progress.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { CaseOutcome } from './plans-harness.js';

export function caseKey(o: CaseOutcome): string {
  return `${o.folder} :: ${o.note}`;
}

export function loadKnown(path: string): Set<string> {
  if (!existsSync(path)) return new Set();
  return new Set(JSON.parse(readFileSync(path, 'utf8')) as string[]);
}

export function regressions(outcomes: readonly CaseOutcome[], path: string): string[] {
  const failing = [...new Set(outcomes.filter((o) => o.status === 'fail').map(caseKey))].sort();
  if (process.env.CHANGEGATE_UPDATE_KNOWN === '1') {
    writeFileSync(path, `${JSON.stringify(failing, null, 1)}\n`);
    return [];
  }
  const known = loadKnown(path);
  return failing.filter((k) => !known.has(k));
}

export function tally(outcomes: readonly CaseOutcome[]): { pass: number; fail: number; skip: number } {
  return {
    pass: outcomes.filter((o) => o.status === 'pass').length,
    fail: outcomes.filter((o) => o.status === 'fail').length,
    skip: outcomes.filter((o) => o.status === 'skip').length,
  };
}
