// CPU per access-log line: logRequest() through a real logger into a file fd, with a few lines per
// event-loop turn as the proxy writes them (one per finished request). Whole-process CPU
// (process.cpuUsage counts the thread pool too), median of several rounds. Run pinned to one
// core like the proxy: taskset -c 1 node dist/bench/log-destination.js <coalesce|coalesce-pool|null> [linesPerTurn]
// (coalesce: the default destination, one synchronous write per turn; coalesce-pool: the same
// through the thread pool, as for an fd that answers EAGAIN; null: the floor, lines discarded)

import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import { LogDestination } from '../src/observability/log-destination.js';
import { createLogger, logRequest, type Logger } from '../src/observability/logger.js';

const LINES = 200_000;
const ROUNDS = 5;
const mode = process.argv[2] ?? 'coalesce';
const perTurn = Number(process.argv[3] ?? '1');

type Sink = { destination: DestinationStream; drained: (logger: Logger) => Promise<void> };

function sink(fd: number): Sink {
  switch (mode) {
    case 'coalesce':
      return { destination: new LogDestination({ fd }), drained: (l) => new Promise((r) => l.flush(() => r())) };
    case 'coalesce-pool':
      return {
        destination: new LogDestination({ fd, synchronous: false }),
        drained: (l) => new Promise((r) => l.flush(() => r())),
      };
    case 'null':
      return { destination: { write: () => undefined }, drained: async () => undefined };
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}

function line(logger: Logger, i: number): void {
  logRequest(logger, {
    requestId: `01JEX${i.toString(36).padStart(8, '0')}`,
    method: 'GET',
    path: '/a/changes/?q=status:open&n=25',
    upstream: 'gerrit',
    action: 'gerrit.change.read',
    decision: 'allow',
    status: 200,
    reasons: ['member of gerrit-readers'],
    subject: 'user-1234@example.com',
    durationMs: 3.14159,
  });
}

async function round(dir: string, n: number): Promise<number> {
  const file = join(dir, `log-${n}`);
  const fd = openSync(file, 'w');
  const s = sink(fd);
  const logger = createLogger({ destination: s.destination });
  const before = process.cpuUsage();
  let i = 0;
  await new Promise<void>((done) => {
    const turn = (): void => {
      for (let k = 0; k < perTurn && i < LINES; k++, i++) line(logger, i);
      if (i < LINES) setImmediate(turn);
      else done();
    };
    setImmediate(turn);
  });
  await s.drained(logger);
  const used = process.cpuUsage(before);
  closeSync(fd);
  rmSync(file);
  return (used.user + used.system) / LINES;
}

const dir = mkdtempSync(join(tmpdir(), 'log-bench-'));
try {
  const results: number[] = [];
  for (let r = 0; r < ROUNDS; r++) results.push(await round(dir, r));
  results.sort((a, b) => a - b);
  const median = results[Math.floor(results.length / 2)] as number;
  console.log(`${mode} perTurn=${perTurn}: ${median.toFixed(2)} us CPU/line (rounds ${results.map((x) => x.toFixed(2)).join(' ')})`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
