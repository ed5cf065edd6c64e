// What the proxy's core spent on a run: the CPU time of every process and kernel thread pinned to
// it (the proxy with its thread pool and GC helpers, nginx's workers, that core's kworkers and
// ksoftirqd), from /proc/<pid>/stat. Requests per second say how far one core goes when
// saturated; this says what each request costs that core at any rate, which is what an operator
// sizes by, and at a fixed rate how busy the core is (a busy core is a queue, and its tail is the
// added latency's).
//
// Not /proc/stat's per-cpu line: with tick-based accounting (HZ=250 here) it samples busy time
// at ticks, and a core that idles between short bursts came out a third low against the
// processes' own times, which the kernel keeps exact (a process's utime + stime add up to its
// scheduled runtime).

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface CoreUse {
  /** Busy share of the cores' time over the run, 0..1 per core (averaged over the cores). */
  readonly busy: number;
  /** Busy core time per request, µs. */
  readonly usPerRequest: number;
}

/** Clock ticks of /proc/<pid>/stat (USER_HZ); 100 on every Linux this runs on, asked once anyway. */
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
    const [from, to = from] = part.trim().split('-').map(Number);
    if (!Number.isInteger(from) || !Number.isInteger(to)) throw new Error(`not a cpu list: ${list}`);
    for (let c = from!; c <= to!; c++) cores.push(c);
  }
  return cores;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // gone since the directory was listed
  }
}

/** utime + stime of one /proc/<pid>/stat line (fields 14 and 15; the name in parentheses may hold spaces). */
export function cpuTicks(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** CPU ticks used so far by every process allowed to run only on `cores`. */
export function pinnedTicks(cores: readonly number[], proc = '/proc'): number {
  let ticks = 0;
  for (const pid of readdirSync(proc)) {
    if (!/^\d+$/.test(pid)) continue;
    const allowed = /^Cpus_allowed_list:\s*(\S+)/m.exec(read(`${proc}/${pid}/status`) ?? '')?.[1];
    if (allowed === undefined || !coresOf(allowed).every((c) => cores.includes(c))) continue;
    const stat = read(`${proc}/${pid}/stat`);
    if (stat !== undefined) ticks += cpuTicks(stat);
  }
  return ticks;
}

export function coreUse(ticks: number, elapsedMs: number, cores: number, requests: number): CoreUse {
  const busyMs = (ticks / hz()) * 1000;
  return { busy: elapsedMs > 0 ? busyMs / (elapsedMs * cores) : 0, usPerRequest: requests > 0 ? (busyMs * 1000) / requests : Number.NaN };
}

/** Runs `run` and adds what the cores in `cpus` (a taskset list) spent on it. */
export async function onCores<T>(cpus: string, run: () => Promise<T>, requests: (result: T) => number): Promise<T & { readonly proxyCore: CoreUse }> {
  const cores = coresOf(cpus);
  const before = pinnedTicks(cores);
  const started = performance.now();
  const result = await run();
  const elapsed = performance.now() - started;
  return { ...result, proxyCore: coreUse(pinnedTicks(cores) - before, elapsed, cores.length, requests(result)) };
}
