// The stand-in's bare repositories on disk: creating projects (with an initial commit on
// master), installing the hooks that make refs/for/* magic, and the few git plumbing calls the
// REST side needs (read a commit, move a branch on submit).

import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { preReceiveHook, procReceiveHook, PROC_RECEIVE_SCRIPT } from './hooks.js';

/** A person on a commit, as Gerrit's GitPersonInfo: `date` in Gerrit's timestamp format (UTC). */
export interface GitPerson {
  readonly name: string;
  readonly email: string;
  readonly date: string;
}

export interface CommitInfo {
  readonly sha: string;
  readonly parents: readonly string[];
  readonly subject: string;
  readonly message: string;
  readonly author?: GitPerson;
  readonly committer?: GitPerson;
}

/** Project names Gerrit accepts here: path segments without dot-dot tricks. */
const PROJECT = /^[A-Za-z0-9][A-Za-z0-9._-]*(?:\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

export function validProject(name: string): boolean {
  return PROJECT.test(name) && !name.split('/').some((s) => s.endsWith('.git') || s === '..');
}

export class Repos {
  readonly root: string;
  readonly #env: NodeJS.ProcessEnv;

  constructor(root: string) {
    this.root = root;
    this.#env = gitEnv(root);
  }

  get env(): NodeJS.ProcessEnv {
    return this.#env;
  }

  dir(project: string): string {
    return path.join(this.root, `${project}.git`);
  }

  git(project: string | undefined, args: readonly string[], input?: string): Promise<string> {
    const cwd = project === undefined ? this.root : this.dir(project);
    return new Promise((resolve, reject) => {
      const child = execFile('git', args, { cwd, env: this.#env, maxBuffer: 16 * 1024 * 1024, timeout: 30_000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`git ${args.join(' ')}: ${stderr || err.message}`));
        else resolve(stdout);
      });
      if (input !== undefined) child.stdin?.end(input);
    });
  }

  async installScripts(): Promise<void> {
    await mkdir(path.join(this.root, '.hooks'), { recursive: true });
    await writeFile(path.join(this.root, '.hooks', 'proc-receive.mjs'), PROC_RECEIVE_SCRIPT);
  }

  /** A bare repository with one commit on master (and HEAD pointing at it). */
  async create(project: string): Promise<void> {
    if (!validProject(project)) throw new Error(`invalid project name ${JSON.stringify(project)}`);
    const dir = this.dir(project);
    await mkdir(dir, { recursive: true });
    await this.git(project, ['init', '--bare', '--quiet', '--initial-branch=master']);
    for (const [key, value] of [
      ['http.receivepack', 'true'],
      ['http.uploadpack', 'true'],
      ['receive.procReceiveRefs', 'refs/for'],
      ['receive.advertisePushOptions', 'true'],
      ['uploadpack.allowTipSHA1InWant', 'true'],
      ['uploadpack.allowReachableSHA1InWant', 'true'],
      // Gerrit hides refs/changes/* from pushers (ReceiveRefFilter).
      ['receive.hideRefs', 'refs/changes'],
    ] as const) {
      await this.git(project, ['config', key, value]);
    }
    const hooks = path.join(dir, 'hooks');
    await writeFile(path.join(hooks, 'proc-receive'), procReceiveHook(process.execPath, path.join(this.root, '.hooks', 'proc-receive.mjs')));
    await writeFile(path.join(hooks, 'pre-receive'), preReceiveHook());
    await chmod(path.join(hooks, 'proc-receive'), 0o755);
    await chmod(path.join(hooks, 'pre-receive'), 0o755);
    // Idempotent on a kept directory (the demo's): an existing history is left alone.
    if ((await this.tip(project, 'refs/heads/master')) === undefined) await this.#initialCommit(project);
  }

  async #initialCommit(project: string): Promise<void> {
    const tree = (await this.git(project, ['hash-object', '-w', '--stdin'], `# ${project}\n`)).trim();
    const root = (await this.git(project, ['mktree'], `100644 blob ${tree}\tREADME.md\n`)).trim();
    const commit = (await this.git(project, ['commit-tree', root, '-m', 'Initial empty repository'])).trim();
    await this.git(project, ['update-ref', 'refs/heads/master', commit]);
  }

  async commit(project: string, sha: string): Promise<CommitInfo> {
    const out = await this.git(project, ['log', '-1', '--format=%H%n%P%n%an%n%ae%n%at%n%cn%n%ce%n%ct%n%B', sha]);
    const [head = '', parents = '', an = '', ae = '', at = '', cn = '', ce = '', ct = '', ...rest] = out.split('\n');
    const message = rest.join('\n').replace(/\n+$/, '\n');
    return {
      sha: head,
      parents: parents.split(' ').filter((p) => p !== ''),
      subject: message.split('\n', 1)[0] ?? '',
      message,
      author: { name: an, email: ae, date: gitPersonDate(at) },
      committer: { name: cn, email: ce, date: gitPersonDate(ct) },
    };
  }

  async tip(project: string, ref: string): Promise<string | undefined> {
    try {
      return (await this.git(project, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
    } catch {
      return undefined;
    }
  }

  /** New commits of a push: reachable from `sha` but not from any branch or existing change. */
  async newCommits(project: string, sha: string): Promise<string[]> {
    const out = await this.git(project, ['rev-list', '--reverse', sha, '--not', '--branches', '--glob=refs/changes/*']);
    return out.split('\n').filter((l) => l !== '');
  }

  async updateRef(project: string, ref: string, sha: string): Promise<void> {
    await this.git(project, ['update-ref', ref, sha]);
  }

  /** Gerrit's MERGE_IF_NECESSARY: fast-forward when possible, else a merge commit; undefined on conflict. */
  async mergeInto(project: string, branchRef: string, sha: string, message: string): Promise<string | undefined> {
    const tip = await this.tip(project, branchRef);
    if (tip === undefined) return undefined;
    const ff = await this.git(project, ['merge-base', '--is-ancestor', tip, sha]).then(() => true, () => false);
    let result = sha;
    if (!ff) {
      let tree: string;
      try {
        tree = (await this.git(project, ['merge-tree', '--write-tree', tip, sha])).split('\n', 1)[0] ?? '';
      } catch {
        return undefined;
      }
      result = (await this.git(project, ['commit-tree', tree, '-p', tip, '-p', sha, '-m', message])).trim();
    }
    await this.git(project, ['update-ref', branchRef, result, tip]);
    return result;
  }

  async branches(project: string): Promise<{ ref: string; revision: string }[]> {
    const out = await this.git(project, ['for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads/']);
    return out.split('\n').filter((l) => l !== '').map((l) => {
      const [ref = '', revision = ''] = l.split(' ');
      return { ref, revision };
    });
  }
}

/** git's environment for the stand-in: no user or system config leaks in. */
export function gitEnv(root: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: root,
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Gerrit Code Review',
    GIT_AUTHOR_EMAIL: 'gerrit@example.test',
    GIT_COMMITTER_NAME: 'Gerrit Code Review',
    GIT_COMMITTER_EMAIL: 'gerrit@example.test',
    LANG: 'C',
  };
}

export async function tempRoot(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Gerrit writes timestamps as "2026-12-07 18:01:02.000000000" in UTC. */
function gitPersonDate(unixSeconds: string): string {
  const d = new Date(Number(unixSeconds) * 1000);
  return Number.isNaN(d.getTime()) ? '' : `${d.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, '')}.000000000`;
}
