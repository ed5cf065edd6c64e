// WebSocket churn: does the proxy give back what subscriptions took? A fresh Changegate (with a
// GC hook, lib/gc-on-signal.ts) is warmed up, collected and measured; then waves of Dagster
// graphql-ws sockets open, each runs subscription starts to completion and closes, until
// `wsChurn` starts were made; then, with every socket closed, a full GC and the memory again.
// The target: RSS after within 20% of RSS before. Heap figures tell a leak (heapUsed grows)
// from memory the allocator keeps (RSS grows, heap does not).

import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Bench } from '../lib/context.js';
import { memoryOf } from '../lib/processes.js';
import { nodeArgs } from '../lib/scripts.js';
import { closeAll, openMany, roundTrip } from '../lib/websockets.js';

export interface MemoryPoint {
  readonly rssKiB: number;
  readonly heapUsedKiB: number;
  readonly heapTotalKiB: number;
  readonly externalKiB: number;
}

export interface WebSocketChurn {
  readonly starts: number;
  readonly completed: number;
  readonly sockets: number;
  readonly failedToOpen: number;
  /** After warm-up and a full GC. */
  readonly before: MemoryPoint;
  /** Right after the churn, sockets still open, no forced GC. */
  readonly peakRssKiB: number;
  /** Every socket closed, then a full GC. */
  readonly after: MemoryPoint;
  /** after.rssKiB / before.rssKiB. */
  readonly rssRatio: number;
}

const PATH = '/dagster/graphql';
/** Sockets per wave, and starts each runs one after another before it closes. */
const WAVE = 10;
const STARTS_PER_SOCKET = 10;
/** After a forced GC, before RSS is read. */
const UNMAP_SETTLE_MS = 2000;
/** Two decision-cache TTLs and a second. */
const SETTLE_MS = 21_000;

/** Asks the process for a full GC and reads its memory afterwards (bounded wait). */
async function collect(pid: number, report: string): Promise<MemoryPoint> {
  rmSync(report, { force: true });
  process.kill(pid, 'SIGUSR2');
  const deadline = performance.now() + 10_000;
  while (!existsSync(report)) {
    if (performance.now() > deadline) throw new Error('the GC hook did not answer within 10 s');
    await sleep(20);
  }
  // The file is written whole by one writeFileSync; a read racing it finds it short: retry.
  for (;;) {
    try {
      const m = JSON.parse(readFileSync(report, 'utf8')) as NodeJS.MemoryUsage;
      // V8 unmaps the pages a GC freed on a background thread, after gc() returns: RSS read
      // at once varied by 100 MiB between runs; read from outside once that has settled.
      await sleep(UNMAP_SETTLE_MS);
      return { rssKiB: memoryOf(pid).rssKiB, heapUsedKiB: m.heapUsed / 1024, heapTotalKiB: m.heapTotal / 1024, externalKiB: (m.external + m.arrayBuffers) / 1024 };
    } catch (e) {
      if (performance.now() > deadline) throw e;
      await sleep(20);
    }
  }
}

export async function webSocketChurn(bench: Bench): Promise<WebSocketChurn> {
  const starts = bench.settings.wsChurn;
  process.stderr.write(`  WebSocket churn: ${starts} subscription starts on sockets opened and closed ${WAVE} at a time, fresh changegate, RSS before and after (full GC)\n`);
  const report = join(bench.dir, 'gc-report.json');
  const proxy = await bench.startProxy('ws-churn', {
    workers: 1,
    ports: 'side',
    extras: { nodeFlags: ['--expose-gc', '--import', nodeArgs('bench/lib/gc-on-signal').at(-1)!], env: { BENCH_GC_REPORT: report } },
  });
  try {
    const url = `${proxy.url.replace(/^http:/, 'ws:')}${PATH}`;
    const pid = proxy.child.pid;
    // Warm-up: code loaded on first use, pools, caches that fill once.
    let made = 0;
    let completed = 0;
    let sockets = 0;
    let failed = 0;
    const wave = async (count: number): Promise<void> => {
      const opened = await openMany(url, bench.bearer, WAVE, WAVE);
      sockets += opened.sessions.length;
      failed += opened.failed;
      await Promise.all(
        opened.sessions.map(async (s, i) => {
          for (let k = 0; k < count; k++) {
            const frame = await roundTrip(s, `c${sockets}-${i}-${k}`);
            made++;
            if (frame.type === 'complete') completed++;
          }
        }),
      );
      await closeAll(opened.sessions);
    };
    await wave(STARTS_PER_SOCKET);
    const before = await collect(pid, report);
    made = completed = sockets = failed = 0;
    while (made < starts && failed < starts) await wave(Math.min(STARTS_PER_SOCKET, Math.ceil((starts - made) / WAVE)));
    const peakRssKiB = memoryOf(pid).rssKiB;
    // Closed sockets finish their close handshakes on the proxy side, and the decisions cached
    // for the starts (each a new run id) expire and are purged: the proxy purges every TTL
    // (src/main/policy.ts, 10 s), so within two.
    await sleep(SETTLE_MS);
    const after = await collect(pid, report);
    return { starts: made, completed, sockets, failedToOpen: failed, before, peakRssKiB, after, rssRatio: after.rssKiB / before.rssKiB };
  } finally {
    await proxy.child.stop();
  }
}

