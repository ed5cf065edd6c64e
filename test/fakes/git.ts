// Runs the real git (and git-review) in temporary directories, isolated from the machine's and the
// user's configuration: a private HOME and GIT_CONFIG_GLOBAL, no system config, no prompts, and a
// hard time limit so a hung network call fails the test instead of the run.

import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export interface RunOptions {
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly input?: string;
  /** Default 60 s; the process group is killed past it. */
  readonly timeoutMs?: number;
}

/** A private HOME with its own global git config, removed by `dispose`. */
export interface GitSandbox {
  readonly home: string;
  readonly env: Readonly<Record<string, string>>;
  /** A fresh directory inside the sandbox. */
  dir(name: string): string;
  git(args: readonly string[], options?: Partial<RunOptions>): Promise<RunResult>;
  /** Like git() but throws with stderr when git fails. */
  ok(args: readonly string[], options?: Partial<RunOptions>): Promise<RunResult>;
  run(command: string, args: readonly string[], options?: Partial<RunOptions>): Promise<RunResult>;
  dispose(): Promise<void>;
}

const OUTPUT_LIMIT = 4 * 1024 * 1024;

export function run(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...options.env }, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    const keep = (into: Buffer[]) => (c: Buffer) => {
      // Bounded: a runaway process must not exhaust the test's memory.
      if (outBytes < OUTPUT_LIMIT) into.push(c);
      outBytes += c.length;
    };
    child.stdout.on('data', keep(out));
    child.stderr.on('data', keep(err));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      }
    }, options.timeoutMs ?? 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), ms: performance.now() - started });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

export async function createGitSandbox(extraConfig = ''): Promise<GitSandbox> {
  const home = await mkdtemp(path.join(tmpdir(), 'changegate-git-'));
  const globalConfig = path.join(home, '.gitconfig');
  await writeFile(
    globalConfig,
    `[user]\n\tname = Test User\n\temail = test@example.test\n[init]\n\tdefaultBranch = master\n[advice]\n\tdetachedHead = false\n[protocol]\n\tversion = 2\n${extraConfig}`,
  );
  const env: Record<string, string> = {
    HOME: home,
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    GIT_CONFIG_GLOBAL: globalConfig,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '/bin/false',
    SSH_ASKPASS: '/bin/false',
    USER: 'test',
    LANG: 'C',
    LC_ALL: 'C',
    NO_PROXY: '*',
  };
  let n = 0;
  const sandbox: GitSandbox = {
    home,
    env,
    dir: (name) => path.join(home, `${name}-${(n += 1)}`),
    git: (args, options = {}) => run('git', args, { cwd: options.cwd ?? home, env: { ...env, ...options.env }, ...(options.input === undefined ? {} : { input: options.input }), ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) }),
    ok: async (args, options = {}) => {
      const r = await sandbox.git(args, options);
      if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed (${r.code ?? r.signal}):\n${r.stderr}`);
      return r;
    },
    run: (command, args, options = {}) => run(command, args, { cwd: options.cwd ?? home, env: { ...env, ...options.env }, ...(options.input === undefined ? {} : { input: options.input }), ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) }),
    dispose: () => rm(home, { recursive: true, force: true }),
  };
  return sandbox;
}

/** URL with user name and password (a PAT) for git's command line. */
export function withCredentials(base: string, username: string, password: string): string {
  const u = new URL(base);
  u.username = encodeURIComponent(username);
  u.password = encodeURIComponent(password);
  return u.toString().replace(/\/$/, '');
}

/** Writes `file` in the work tree `dir` and commits it; returns the new commit's sha. */
export async function commitFile(sandbox: GitSandbox, dir: string, file: string, content: string | Uint8Array, message: string): Promise<string> {
  await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
  await writeFile(path.join(dir, file), content);
  await sandbox.ok(['add', '--', file], { cwd: dir });
  await sandbox.ok(['commit', '-q', '-m', message], { cwd: dir });
  return (await sandbox.ok(['rev-parse', 'HEAD'], { cwd: dir })).stdout.trim();
}

/** Installs a commit-msg hook script into a clone. */
export async function installHook(dir: string, script: string): Promise<void> {
  await mkdir(path.join(dir, '.git', 'hooks'), { recursive: true });
  await writeFile(path.join(dir, '.git', 'hooks', 'commit-msg'), script, { mode: 0o755 });
}
