// Starting a child in its own process group with its output drained into a bounded tail, and
// telling how it ended. Shared by the webserver start and the cleanup command.

import { spawn, type ChildProcess } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { OutputTail } from './output-tail.js';

export type ChildEnd = { readonly kind: 'exit'; readonly code: number | null; readonly signal: NodeJS.Signals | null } | { readonly kind: 'error'; readonly error: Error };

export interface StartedChild {
  readonly child: ChildProcess;
  /** Settles once, on exit or on a spawn failure (no such executable, not executable). */
  readonly ended: Promise<ChildEnd>;
}

/** Detached: the child leads a new process group (and session), so the whole group can be signalled, and it outlives us. */
export function spawnChild(argv: readonly string[], cwd: string, env: Record<string, string>, tail: OutputTail): StartedChild {
  const [file, ...args] = argv;
  if (file === undefined) throw new TypeError('empty command');
  refuseNul(argv, env);
  const child = spawn(file, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'], shell: false, windowsHide: true });
  const onData = (chunk: Buffer): void => tail.push(chunk);
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const ended = new Promise<ChildEnd>((resolve) => {
    child.once('exit', (code, signal) => resolve({ kind: 'exit', code, signal }));
    child.once('error', (error) => resolve({ kind: 'error', error }));
  });
  return { child, ended };
}

/**
 * Node refuses a NUL byte in an argument or an environment value (a commit message may hold one)
 * with an error that quotes the value; the value may be a secret, so we name only where it is.
 */
function refuseNul(argv: readonly string[], env: Record<string, string>): void {
  const arg = argv.findIndex((a) => a.includes('\0'));
  if (arg >= 0) throw new Error(`argument ${arg} holds a NUL byte`);
  const name = Object.keys(env).find((k) => k.includes('\0') || env[k]!.includes('\0'));
  if (name !== undefined) throw new Error(`environment variable ${JSON.stringify(name.replaceAll('\0', '\\0'))} holds a NUL byte`);
}

/** After the child ended: let the last output arrive, but not forever (a leftover grandchild may hold the pipe). */
export async function drained(child: ChildProcess, ms = 1_000): Promise<void> {
  const open = [child.stdout, child.stderr].filter((s) => s !== null && !s.closed);
  if (open.length === 0) return;
  const bound = new AbortController();
  const closed = Promise.all(open.map((s) => once(s!, 'close', { signal: bound.signal }).catch(() => undefined)));
  await Promise.race([closed, sleep(ms, undefined, { signal: bound.signal }).catch(() => undefined)]);
  bound.abort();
}

export function describeEnd(file: string, end: ChildEnd): string {
  if (end.kind === 'error') return `cannot start ${file}: ${end.error.message}`;
  if (end.signal !== null) return `${file} was killed by ${end.signal}`;
  return `${file} exited with code ${end.code}`;
}

/** A clear message when the checkout is missing (spawn would only say "ENOENT", naming the command). */
export async function checkoutProblem(path: string): Promise<string | undefined> {
  try {
    if ((await stat(path)).isDirectory()) return undefined;
    return `the checkout ${path} is not a directory`;
  } catch {
    return `the checkout ${path} does not exist`;
  }
}
