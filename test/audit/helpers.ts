// Shared by the audit tests (not a test file): temp dirs, sample records and line surgery.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileAuditSink, type FileSinkOptions } from '../../src/audit/file-sink.js';
import type { CompletionRecord, DecisionRecord } from '../../src/audit/types.js';

/**
 * The audit tests' clock. Records carry times from it and every sink opened through `openSink` reads it,
 * so daily rotation (which compares the active file's first record with the sink's clock) never meets the
 * wall clock: the suite behaves the same on any day and at any hour, 23:59 UTC included. A test about
 * rotation or recovery across days passes its own `now`.
 */
export const TEST_TIME = '2026-11-22T10:00:00.000Z';
export const testNow = (): Date => new Date(TEST_TIME);

/** Opens a sink on the tests' clock, quiet unless the test passes its own `warn`. */
export function openSink(options: FileSinkOptions): Promise<FileAuditSink> {
  return FileAuditSink.open({ now: testNow, warn: () => undefined, ...options });
}

export function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'changegate-audit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function decision(requestId: string, over: Partial<DecisionRecord> = {}): DecisionRecord {
  return {
    kind: 'decision',
    time: TEST_TIME,
    requestId,
    subject: { id: 'alice', email: 'alice@example.com', roles: ['reviewer'], via: 'oidc' },
    action: 'gerrit.read',
    resource: { upstream: 'gerrit' },
    decision: { allow: true, reasons: [], revision: 'r1' },
    request: { method: 'GET', path: '/changes/', ip: '127.0.0.1', userAgent: 'test' },
    ...over,
  };
}

export function completion(requestId: string, over: Partial<CompletionRecord> = {}): CompletionRecord {
  return { kind: 'completion', time: new Date(Date.parse(TEST_TIME) + 1000).toISOString(), requestId, status: 200, bytesIn: 0, bytesOut: 10, durationMs: 3, ...over };
}

export function lines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
}

export function writeLines(path: string, content: readonly string[]): void {
  writeFileSync(path, content.map((l) => `${l}\n`).join(''));
}

export function parsed(path: string): Record<string, unknown>[] {
  return lines(path).map((l) => JSON.parse(l) as Record<string, unknown>);
}
