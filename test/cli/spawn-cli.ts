// Run the real `changegate` executable in a child process: src/cli.ts through tsx when these
// tests run from source, dist/src/cli.js when they run compiled. Not a test file itself.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const fromSource = import.meta.url.endsWith('.ts');

/** test/cli/ -> src/cli.ts, or dist/test/cli/ -> dist/src/cli.js. */
export const CLI_ENTRY = fileURLToPath(new URL(`../../src/cli.${fromSource ? 'ts' : 'js'}`, import.meta.url));

/** The directory holding package.json (so `--import tsx` resolves from node_modules). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 10; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('package.json not found above the test file');
}

export function cliArgs(args: readonly string[]): string[] {
  return [...(fromSource ? ['--import', 'tsx'] : []), CLI_ENTRY, ...args];
}

export function startCli(args: readonly string[], env: Record<string, string | undefined> = {}): ChildProcess {
  // A clean environment, so a CHANGEGATE_CONFIG in the developer's shell can't leak in.
  const base: Record<string, string | undefined> = { PATH: process.env['PATH'], HOME: process.env['HOME'] };
  return spawn(process.execPath, cliArgs(args), { cwd: repoRoot(), env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function collect(child: ChildProcess, timeoutMs = 60_000): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`changegate did not exit within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export function runCliProcess(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return collect(startCli(args, env));
}

/** The addresses `changegate serve` logs when it has started ("changegate started"). */
export interface StartedPorts {
  readonly ingress: number;
  readonly admin: number;
}

/** Resolves with the ports from the startup log line, or undefined if the process exits first. */
export function startedPorts(child: ChildProcess): Promise<StartedPorts | undefined> {
  return new Promise((resolve) => {
    let buffer = '';
    const onData = (chunk: Buffer | string): void => {
      buffer += String(chunk);
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        let parsed: { ingress?: { port?: unknown }; admin?: { port?: unknown } };
        try {
          parsed = JSON.parse(line) as typeof parsed;
        } catch {
          continue; // not a JSON log line
        }
        const ingress = parsed.ingress?.port;
        const admin = parsed.admin?.port;
        if (typeof ingress === 'number' && typeof admin === 'number') {
          child.stdout?.off('data', onData);
          return resolve({ ingress, admin });
        }
      }
    };
    child.stdout?.on('data', onData);
    child.once('close', () => resolve(undefined));
  });
}
