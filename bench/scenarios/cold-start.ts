// Cold start to ready: spawn `changegate serve` until /readyz answers 200, twice on a fresh
// stateDir: the first start compiles the policy, the second (a restart, as operators restart)
// finds it in stateDir's compiled-policy cache. Each process is stopped before the next starts.

import { join } from 'node:path';
import type { Bench } from '../lib/context.js';

export interface ColdStart {
  /** Fresh stateDir: the policy is compiled. */
  readonly firstMs: number;
  /** Same stateDir again: the compiled policy comes from the cache. */
  readonly restartMs: number;
}

export async function coldStart(bench: Bench): Promise<ColdStart> {
  process.stderr.write('  cold start: fresh stateDir, then a restart on it\n');
  const stateDir = join(bench.dir, 'cold-state');
  const once = async (): Promise<number> => {
    const proxy = await bench.startProxy('cold-start', { workers: 1, ports: 'side', stateDir });
    await proxy.child.stop();
    return proxy.coldStartMs;
  };
  const firstMs = await once();
  return { firstMs, restartMs: await once() };
}
