// Child processes for the benchmark, each pinned to cores with taskset so the system under
// test and the load generator do not share one, and their memory read from /proc.

import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Child {
  readonly process: ChildProcess;
  readonly pid: number;
  stop(): Promise<void>;
}

/** `cpus` is a taskset list: 0, "1", "0-1". */
/** `stdout`: a file descriptor for the child's standard output (default: discarded). */
export function spawnPinned(cpus: number | string, command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env, stdout: number | 'ignore' = 'ignore'): Child {
  // taskset execs the command, so the child's pid is the command's.
  const child = spawn('taskset', ['-c', String(cpus), command, ...args], { stdio: ['ignore', stdout, 'pipe'], env });
  let stderr = '';
  child.stderr?.on('data', (c) => (stderr = (stderr + String(c)).slice(-4000)));
  child.once('exit', (code, signal) => {
    if (code !== 0 && code !== null && signal === null) process.stderr.write(`bench: ${command} ${args.join(' ')} exited ${code}\n${stderr}\n`);
  });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const pid = child.pid;
  return {
    process: child,
    pid,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(5000)]);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await Promise.race([exited, sleep(2000)]);
      }
    },
  };
}

/** Polls a URL until it answers 200, within a bound. Returns the milliseconds it took. */
export async function waitFor200(url: string, timeoutMs = 30_000): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) return performance.now() - started;
    } catch {
      // not listening yet
    }
    await sleep(20);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

/** Parent pid of each running process, from /proc/<pid>/stat (children files need CONFIG_PROC_CHILDREN). */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      out.set(Number(name), ppid);
    } catch {
      // the process ended
    }
  }
  return out;
}

/** A process and its descendants (cluster workers). */
export function processTree(pid: number): number[] {
  const byParent = parents();
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    for (const [child, parent] of byParent) if (parent === out[i]) out.push(child);
  }
  return out;
}

export interface Memory {
  /** Resident set now, KiB, summed over the process tree. */
  readonly rssKiB: number;
  /** Peak resident set since start or the last resetPeak, KiB, summed over the tree. */
  readonly hwmKiB: number;
}

function statusField(pid: number, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? 0 : Number(m[1]);
  } catch {
    return 0;
  }
}

export function memoryOf(pid: number): Memory {
  return memoryOfAll(processTree(pid));
}

function memoryOfAll(pids: readonly number[]): Memory {
  return {
    rssKiB: pids.reduce((s, p) => s + statusField(p, 'VmRSS'), 0),
    hwmKiB: pids.reduce((s, p) => s + statusField(p, 'VmHWM'), 0),
  };
}

/** Resets VmHWM to the current RSS (clear_refs "5", Linux >= 4.0), for a per-scenario peak. */
export function resetPeak(pid: number): boolean {
  let ok = true;
  for (const p of processTree(pid)) {
    try {
      writeFileSync(`/proc/${p}/clear_refs`, '5');
    } catch {
      ok = false;
    }
  }
  return ok;
}

/** Samples RSS every `everyMs` until stopped; the peak seen is a floor for VmHWM. */
export function sampleRss(pid: number, everyMs = 50): { stop(): number } {
  const pids = processTree(pid);
  let peak = memoryOfAll(pids).rssKiB;
  const timer = setInterval(() => (peak = Math.max(peak, memoryOfAll(pids).rssKiB)), everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, memoryOfAll(pids).rssKiB);
    },
  };
}
