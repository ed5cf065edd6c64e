// Runs wrk (Debian's) against a URL and parses its latency distribution. wrk is pinned to a
// core apart from the system under test, and every run is bounded by its duration. Requests
// with bodies come from a generated Lua script whose `{n}` placeholders take a per-request
// counter, so no two requests of a run are the same (no decision cache hit).

import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  /** Socket errors plus answers with status >= 400. */
  readonly errors: number;
  readonly requests: number;
}

export interface LoadOptions {
  readonly url: string;
  readonly seconds: number;
  readonly connections: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Lua script to run (see requestScript); default: the summary only. */
  readonly script: string;
  /** taskset cpu list for wrk ("1", "0-1"); unpinned when absent. */
  readonly cpu?: string;
}

/** wrk prints 50/75/90/99 with --latency; the Lua summary adds p99.9 and a parseable line. */
const SUMMARY = `
done = function(summary, latency, requests)
  io.write(string.format("CG %f %f %f %f %d %d\\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status,
    summary.requests))
end
`;

export interface RequestTemplate {
  readonly method: 'POST' | 'PUT' | 'GET';
  /** Path and query; every `{n}` becomes the request's counter. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Body; every `{n}` becomes the request's counter. */
  readonly body?: string;
  /** First counter value; give each run its own range so runs never repeat a request. */
  readonly start: number;
}

/** A double-quoted Lua literal: every byte outside printable ASCII, and `"` and backslash, as \\ddd. */
function luaString(text: string): string {
  let out = '"';
  for (const byte of Buffer.from(text, 'utf8')) {
    out += byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c ? String.fromCharCode(byte) : `\\${String(byte).padStart(3, '0')}`;
  }
  return `${out}"`;
}

function luaParts(template: string): string {
  return `{${template.split('{n}').map(luaString).join(', ')}}`;
}

function requestLua(t: RequestTemplate): string {
  const headers = Object.entries(t.headers)
    .map(([k, v]) => `[${luaString(k)}] = ${luaString(v)}`)
    .join(', ');
  return `
local n = ${Math.floor(t.start)}
local path = ${luaParts(t.path)}
local body = ${t.body === undefined ? 'nil' : luaParts(t.body)}
request = function()
  n = n + 1
  local s = tostring(n)
  local headers = { ${headers} }
  return wrk.format(${luaString(t.method)}, table.concat(path, s), headers, body and table.concat(body, s) or nil)
end
`;
}

/** Writes a wrk script into `dir`: the summary, plus a request generator when given. */
export function writeScript(dir: string, name: string, template?: RequestTemplate): string {
  const path = join(dir, `${name}.lua`);
  writeFileSync(path, (template === undefined ? '' : requestLua(template)) + SUMMARY);
  return path;
}

export async function wrk(options: LoadOptions): Promise<LoadResult> {
  const args = ['-t1', `-c${options.connections}`, `-d${options.seconds}s`, '--timeout', '10s', '-s', options.script];
  for (const [k, v] of Object.entries(options.headers ?? {})) args.push('-H', `${k}: ${v}`);
  args.push(options.url);
  const [cmd, full] = options.cpu === undefined ? ['wrk', args] : ['taskset', ['-c', options.cpu, 'wrk', ...args]];
  const { stdout, stderr } = await run(cmd, full, { timeout: (options.seconds + 30) * 1000 });
  const line = stdout.split('\n').find((l) => l.startsWith('CG '));
  if (line === undefined) throw new Error(`wrk printed no summary:\n${stdout}\n${stderr}`);
  const [rps, p50, p99, p999, errors, requests] = line.slice(3).split(' ').map(Number) as [number, number, number, number, number, number];
  return { requestsPerSecond: rps, p50Ms: p50, p99Ms: p99, p999Ms: p999, errors, requests };
}
