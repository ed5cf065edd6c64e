// Per-folder tallies, the printed table and test/conformance/results.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Outcome } from './verdict.js';

export interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

export class Tallies {
  readonly byFolder = new Map<string, Tally>();

  add(folder: string, o: Outcome): void {
    let t = this.byFolder.get(folder);
    if (!t) {
      t = { passed: 0, failed: 0, skipped: 0 };
      this.byFolder.set(folder, t);
    }
    t[o.status]++;
  }

  total(): Tally {
    const sum: Tally = { passed: 0, failed: 0, skipped: 0 };
    for (const t of this.byFolder.values()) {
      sum.passed += t.passed;
      sum.failed += t.failed;
      sum.skipped += t.skipped;
    }
    return sum;
  }

  table(): string {
    const rows = [...this.byFolder.entries()].sort(([a], [b]) => a.localeCompare(b));
    const width = Math.max(6, ...rows.map(([f]) => f.length));
    const lines = [`${'folder'.padEnd(width)}  passed  failed  skipped`];
    for (const [f, t] of rows) {
      lines.push(`${f.padEnd(width)}  ${String(t.passed).padStart(6)}  ${String(t.failed).padStart(6)}  ${String(t.skipped).padStart(7)}`);
    }
    return lines.join('\n');
  }

  summaryLine(): string {
    const t = this.total();
    return `conformance: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`;
  }

  markdown(title: string, note: string): string {
    const rows = [...this.byFolder.entries()].sort(([a], [b]) => a.localeCompare(b));
    const t = this.total();
    return [
      `# ${title}`,
      '',
      note,
      '',
      `**Total: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped** (of ${t.passed + t.failed + t.skipped} cases)`,
      '',
      '| folder | passed | failed | skipped |',
      '|---|---:|---:|---:|',
      ...rows.map(([f, x]) => `| ${f} | ${x.passed} | ${x.failed} | ${x.skipped} |`),
      '',
    ].join('\n');
  }
}

export function writeResults(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
