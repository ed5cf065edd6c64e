// Runs wrk (Debian's) against a URL and parses its latency distribution. wrk is pinned to a
// core apart from the system under test, and every run is bounded by its duration.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly errors: number;
}

export interface LoadOptions {
  readonly url: string;
  readonly seconds: number;
  readonly connections: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Constant request rate (wrk2 only); plain wrk ignores it. */
  readonly cpu?: number;
}

/** Percentiles wrk prints with --latency: 50, 75, 90, 99. p99.9 needs a Lua script. */
const SCRIPT = `
done = function(summary, latency, requests)
  io.write(string.format("CG %f %f %f %f %d\\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status))
end
`;

export async function wrk(options: LoadOptions, scriptPath: string): Promise<LoadResult> {
  const args = ['-t1', `-c${options.connections}`, `-d${options.seconds}s`, '-s', scriptPath];
  for (const [k, v] of Object.entries(options.headers ?? {})) args.push('-H', `${k}: ${v}`);
  args.push(options.url);
  const cmd = options.cpu === undefined ? 'wrk' : 'taskset';
  const full = options.cpu === undefined ? args : ['-c', String(options.cpu), 'wrk', ...args];
  const { stdout } = await run(cmd, full, { timeout: (options.seconds + 30) * 1000 });
  const line = stdout.split('\n').find((l) => l.startsWith('CG '));
  if (line === undefined) throw new Error(`wrk printed no summary:\n${stdout}`);
  const [rps, p50, p99, p999, errors] = line.slice(3).split(' ').map(Number) as [number, number, number, number, number];
  return { requestsPerSecond: rps, p50Ms: p50, p99Ms: p99, p999Ms: p999, errors };
}

export const WRK_SCRIPT = SCRIPT;
