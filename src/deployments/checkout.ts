// A patch set's working tree, fetched with real git straight from Gerrit: {workdir}/{change}/{patchset}.
// The fetch is shallow (one commit), the credentials travel as an http.extraHeader in git's
// environment (never in argv, where `ps` shows them, nor in the URL, which git may print), only
// http(s) transports are allowed, and the tree is checked to be the commit Gerrit named before
// anything runs from it.

import { execFile } from 'node:child_process';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface CheckoutRequest {
  readonly workdir: string;
  readonly change: number;
  readonly patchset: number;
  /** Gerrit's git URL of the project. */
  readonly url: string;
  /** refs/changes/NN/N/P */
  readonly ref: string;
  /** The commit the patch set must be. */
  readonly sha: string;
  /** An Authorization header value for the fetch, or undefined for an open repository. */
  readonly authorization: string | undefined;
  readonly timeoutMs: number;
}

/** Returns the checkout's absolute path, reusing one already at the right commit. */
export async function checkoutPatchSet(r: CheckoutRequest): Promise<string> {
  const dir = join(r.workdir, String(r.change), String(r.patchset));
  if ((await exists(join(dir, '.git'))) && (await git(dir, ['rev-parse', 'HEAD'], r).catch(() => '')).trim() === r.sha) return dir;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await git(dir, ['init', '-q'], r);
  // `--`: the URL and ref are operands even if one ever starts with a dash.
  await git(dir, ['fetch', '-q', '--depth=1', '--no-tags', '--', r.url, r.ref], r);
  await git(dir, ['checkout', '-q', '--detach', 'FETCH_HEAD'], r);
  const head = (await git(dir, ['rev-parse', 'HEAD'], r)).trim();
  if (head !== r.sha) throw new Error(`${r.ref} is ${head}, not the patch set's commit ${r.sha}; Gerrit moved on while we fetched`);
  return dir;
}

/** Removes a change's checkouts (after cleanup ran in the last one). */
export async function removeCheckouts(workdir: string, change: number): Promise<void> {
  await rm(join(workdir, String(change)), { recursive: true, force: true });
}

function git(cwd: string, args: readonly string[], r: CheckoutRequest): Promise<string> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: cwd,
    LANG: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    // Only the transports Gerrit serves: no file://, ext:: or ssh from a URL we were handed.
    GIT_ALLOW_PROTOCOL: 'http:https',
    ...(r.authorization === undefined ? {} : { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: ${r.authorization}` }),
  };
  return new Promise((resolve, reject) => {
    execFile('git', [...args], { cwd, env, timeout: r.timeoutMs, maxBuffer: 1024 * 1024, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      if (err === null) return resolve(stdout);
      // This text reaches the registry, the 503 page and the Gerrit change: stderr may echo the
      // URL, and err.message (when git was killed with nothing on stderr) is the whole command
      // line, so credentials a source put in the URL are cut out of both.
      const killed = err.killed || err.signal === 'SIGKILL' ? `timed out after ${r.timeoutMs} ms` : '';
      const text = redactUrls(stderr.trim() || killed || err.message).slice(-2000);
      reject(new Error(`git ${args[0]} failed: ${text}`));
    });
  });
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** user:password@ (or a bare token@) in any URL of `text`, replaced. */
export function redactUrls(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s@'"]*@/gi, '$1***@');
}
