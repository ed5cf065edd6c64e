// `deployments.cleanup.command` for the process launcher: run once when a change closes, with the
// webserver's placeholders and environment, in the checkout, under a deadline. It never rejects:
// the controller reports the outcome on the change instead.

import { setTimeout as sleep } from 'node:timers/promises';
import type { CleanupResult, LaunchSpec } from '../types.js';
import { childEnv } from './child-env.js';
import { OutputTail } from './output-tail.js';
import { specPlaceholders, substitute, withPort } from './placeholders.js';
import { stopGroup, type StopTiming } from './process-group.js';
import { checkoutProblem, describeEnd, drained, spawnChild, type ChildEnd } from './spawn-child.js';

export interface CleanupRun {
  readonly command: readonly string[];
  readonly configEnv: Readonly<Record<string, string>>;
  readonly parentEnv: NodeJS.ProcessEnv;
  /** {port} means the same in the cleanup as in the webserver's env: a port free on 127.0.0.1. */
  readonly freePort: () => Promise<number>;
  readonly stopTiming: StopTiming;
  readonly tailBytes: number;
}

export async function runCleanup(run: CleanupRun, spec: LaunchSpec, timeoutMs: number): Promise<CleanupResult> {
  try {
    const problem = await checkoutProblem(spec.checkout);
    if (problem !== undefined) return { ok: false, exitCode: null, output: problem };
    const given = specPlaceholders(spec.placeholders);
    if (typeof given === 'string') return { ok: false, exitCode: null, output: given };
    const values = withPort(given, await run.freePort());
    const argv = run.command.map((a) => substitute(a, values));
    const tail = new OutputTail(run.tailBytes);
    const { child, ended } = spawnChild(argv, spec.checkout, childEnv(run.parentEnv, run.configEnv, values, spec.env), tail);
    const bound = new AbortController();
    const end = await Promise.race([ended, sleep(timeoutMs, 'timeout' as const, { signal: bound.signal }).catch(() => 'timeout' as const)]);
    bound.abort();
    // Whatever it left behind (or all of it, on the deadline) goes.
    if (child.pid !== undefined) await stopGroup(child.pid, run.stopTiming);
    await drained(child);
    return result(argv[0]!, end, tail.text(), timeoutMs);
  } catch (e) {
    return { ok: false, exitCode: null, output: e instanceof Error ? e.message : String(e) };
  }
}

function result(file: string, end: ChildEnd | 'timeout', output: string, timeoutMs: number): CleanupResult {
  if (end === 'timeout') return { ok: false, exitCode: null, output: withLine(output, `[${file} did not finish within ${Math.ceil(timeoutMs / 1000)} s; stopped it]`) };
  if (end.kind === 'error') return { ok: false, exitCode: null, output: withLine(output, describeEnd(file, end)) };
  return { ok: end.code === 0, exitCode: end.code, output };
}

function withLine(output: string, line: string): string {
  return output === '' || output.endsWith('\n') ? `${output}${line}` : `${output}\n${line}`;
}
