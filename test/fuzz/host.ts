// Starting fuzz workers, and reading and writing the regression inputs the fuzzer saves.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../../src/util/package-root.js';
import type { Finding, WorkerData, WorkerMessage } from './worker.js';

/** Heap a target may use; past it the worker dies and the input is a memory finding. */
export const HEAP_LIMIT_MB = 512;

export const REGRESSIONS = (): string => join(packageRoot(), 'test', 'fuzz', 'regressions');

export function startWorker(data: WorkerData): Worker {
  // Its output is dropped: a parser library's warnings would bury the summary.
  const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: data, resourceLimits: { maxOldGenerationSizeMb: HEAP_LIMIT_MB }, stdout: true, stderr: true });
  worker.stdout.resume();
  worker.stderr.resume();
  return worker;
}

/** A saved input: the bytes as text when they are UTF-8 (readable in review), else base64. */
export interface Regression {
  readonly target: string;
  readonly kind: string;
  readonly message: string;
  readonly chunk: number;
  readonly text?: string;
  readonly base64?: string;
}

export function bytesOf(r: Regression): Buffer {
  return r.text !== undefined ? Buffer.from(r.text, 'utf8') : Buffer.from(r.base64 ?? '', 'base64');
}

/** Saves a finding under test/fuzz/regressions/<target>/; returns the file written. */
export function saveFinding(f: Finding): string {
  const data = Buffer.from(f.base64, 'base64');
  const id = createHash('sha256').update(data).update(String(f.chunk)).digest('hex').slice(0, 12);
  const dir = join(REGRESSIONS(), f.target);
  mkdirSync(dir, { recursive: true });
  const asText = data.toString('utf8');
  const body: Regression = { target: f.target, kind: f.kind, message: f.message, chunk: f.chunk, ...(Buffer.from(asText, 'utf8').equals(data) ? { text: asText } : { base64: f.base64 }) };
  const file = join(dir, `${f.kind}-${id}.json`);
  writeFileSync(file, `${JSON.stringify(body, null, 1)}\n`);
  return file;
}

export function savedRegressions(): { file: string; regression: Regression }[] {
  const root = REGRESSIONS();
  if (!existsSync(root)) return [];
  const out: { file: string; regression: Regression }[] = [];
  for (const target of readdirSync(root).sort()) {
    for (const name of readdirSync(join(root, target)).sort()) {
      if (!name.endsWith('.json')) continue;
      const file = join(root, target, name);
      out.push({ file, regression: JSON.parse(readFileSync(file, 'utf8')) as Regression });
    }
  }
  return out;
}

/** Replays one input in a worker; resolves with the error it raised, if any. Rejects on a hang or a dead worker. */
export function replay(r: Regression, deadlineMs: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const worker = startWorker({ mode: 'replay', target: r.target, chunk: r.chunk, base64: bytesOf(r).toString('base64') });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`${r.target}: the input did not finish within ${deadlineMs} ms (hang guard)`));
    }, deadlineMs);
    worker.on('message', (m: WorkerMessage) => {
      if (m.type !== 'replayed') return;
      clearTimeout(timer);
      void worker.terminate();
      resolve(m.error);
    });
    worker.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}
