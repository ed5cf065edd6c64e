// What the proxy's core spent on a run, from /proc/stat: every process and thread pinned there
// (the proxy's main thread, its thread pool and GC helpers, nginx's workers) and the kernel's
// work on their behalf (the loopback network, the disk). Requests per second say how far one
// core goes when saturated; this says what each request costs that core at any rate, which is
// what an operator sizes by, and at a fixed rate how busy the core is (a busy core is a queue,
// and its tail is the added latency's).

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface CoreUse {
  /** Busy share of the cores' time over the run, 0..1 per core (averaged over the cores). */
  readonly busy: number;
  /** Busy core time per request, µs. */
  readonly usPerRequest: number;
}

interface Sample {
  readonly busy: number;
  readonly total: number;
}

/** Jiffies per second of /proc/stat (USER_HZ); 100 on every Linux this runs on, asked once anyway. */
let ticksPerSecond: number | undefined;
function hz(): number {
  if (ticksPerSecond === undefined) {
    const asked = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    ticksPerSecond = Number.isInteger(asked) && asked > 0 ? asked : 100;
  }
  return ticksPerSecond;
}

/** The cores of a taskset list: "0", "1", "0-1", "0,2-3". */
export function coresOf(list: string): number[] {
  const cores: number[] = [];
  for (const part of list.split(',')) {
    const [from, to = from] = part.split('-').map(Number);
    if (!Number.isInteger(from) || !Number.isInteger(to)) throw new Error(`not a cpu list: ${list}`);
    for (let c = from!; c <= to!; c++) cores.push(c);
  }
  return cores;
}

/**
 * Busy and total jiffies of the given cores. Busy is user, nice, system, irq and softirq; idle
 * and iowait are not busy, and steal (the hypervisor running something else) is not ours.
 */
export function sampleCores(cores: readonly number[], stat = readFileSync('/proc/stat', 'utf8')): Sample {
  let busy = 0;
  let total = 0;
  for (const line of stat.split('\n')) {
    const m = /^cpu(\d+) (.*)$/.exec(line);
    if (m === null || !cores.includes(Number(m[1]))) continue;
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0] = m[2]!.trim().split(/\s+/).map(Number);
    busy += user + nice + system + irq + softirq;
    total += user + nice + system + idle + iowait + irq + softirq;
  }
  return { busy, total };
}

export function coreUse(before: Sample, after: Sample, requests: number): CoreUse {
  const busy = after.busy - before.busy;
  const total = after.total - before.total;
  return { busy: total > 0 ? busy / total : 0, usPerRequest: requests > 0 ? (busy / hz()) * 1e6 / requests : Number.NaN };
}

/** Runs `run` and adds what the cores in `cpus` (a taskset list) spent on it. */
export async function onCores<T>(cpus: string, run: () => Promise<T>, requests: (result: T) => number): Promise<T & { readonly proxyCore: CoreUse }> {
  const cores = coresOf(cpus);
  const before = sampleCores(cores);
  const result = await run();
  return { ...result, proxyCore: coreUse(before, sampleCores(cores), requests(result)) };
}
