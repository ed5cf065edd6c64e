// The access log's cost, as its own row: every other Changegate in the run leaves log.level at its
// default (info, one access line per request, written to a file); this one sets it to warn, which
// drops the access lines and nothing else.

import type { Bench } from '../lib/context.js';
import type { ThroughputRows } from '../lib/rows.js';
import { SMALL_GET } from '../lib/shapes.js';

export async function withoutAccessLog(bench: Bench, rows: ThroughputRows): Promise<void> {
  const proxy = await bench.startProxy('log-warn', { workers: 1, logLevel: 'warn', ports: 'side' });
  try {
    await bench.load(SMALL_GET, proxy.url, bench.bearer, 2);
    rows.add(SMALL_GET, 'changegate: bearer, cached decision, log.level warn (no access log)', 'changegate', 1, await bench.load(SMALL_GET, proxy.url, bench.bearer));
  } finally {
    await proxy.child.stop();
  }
}
