// A large git push streamed through: throughput against direct and nginx, and how far the
// proxy's resident memory rises above where it stood before the push (VmHWM after resetting
// it with clear_refs, else the peak of 50 ms samples). Measured on a freshly started proxy:
// one that has served minutes of load has a heap big enough to hide what a push adds.

import { setTimeout as sleep } from 'node:timers/promises';
import type { Bench } from '../lib/context.js';
import { memoryOf, resetPeak, sampleRss } from '../lib/processes.js';
import { push, type PushResult } from '../lib/push.js';

export interface PushScenario {
  readonly bytes: number;
  readonly direct: PushResult;
  readonly nginx: PushResult;
  readonly changegate: PushResult & { readonly rssBeforeKiB: number; readonly peakKiB: number; readonly peakFrom: 'VmHWM' | 'sampled'; readonly growthKiB: number };
}

const PATH = '/a/bench/git-receive-pack';
const TIMEOUT_MS = 180_000;

export async function pushThrough(bench: Bench, nginxUrl: string): Promise<PushScenario> {
  const bytes = bench.settings.pushBytes;
  process.stderr.write(`  push ${bytes / 1024 / 1024} MiB: direct, nginx, changegate (fresh process)\n`);
  const send = (base: string, size = bytes): Promise<PushResult> => push({ url: `${base}${PATH}`, bytes: size, headers: bench.bearer, timeoutMs: TIMEOUT_MS });
  const direct = await send(bench.directUrl);
  const nginx = await send(nginxUrl);
  const proxy = await bench.startProxy('push', { workers: 1, ports: 'side' });
  try {
    await send(proxy.url, 16 * 1024 * 1024);
    await sleep(500);
    const pid = proxy.child.pid;
    const rssBeforeKiB = memoryOf(pid).rssKiB;
    const peakReset = resetPeak(pid);
    const sampler = sampleRss(pid);
    const result = await send(proxy.url);
    const sampled = sampler.stop();
    const peakKiB = peakReset ? Math.max(sampled, memoryOf(pid).hwmKiB) : sampled;
    return { bytes, direct, nginx, changegate: { ...result, rssBeforeKiB, peakKiB, peakFrom: peakReset ? 'VmHWM' : 'sampled', growthKiB: peakKiB - rssBeforeKiB } };
  } finally {
    await proxy.child.stop();
  }
}
