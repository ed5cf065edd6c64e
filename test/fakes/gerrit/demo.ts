// The stand-in as the demo's Gerrit: a fixed port (8081), two projects (one with a slash in its
// name), and one open change by bob waiting for review, so the demo has something to vote on and
// submit. No side effects on import: every .js under dist/test/ is run by `node --test`.
//
//   node --import tsx -e "import('./test/fakes/gerrit/demo.ts').then((m) => m.startDemoGerrit())"

import { startFakeGerrit, type FakeGerrit } from './index.js';
import { receive } from './receive.js';
import { Repos } from './repos.js';

export const DEMO_GERRIT_PORT = 8081;
export const DEMO_PROJECTS: readonly string[] = ['demo', 'external/bison'];

export interface DemoGerritOptions {
  readonly port?: number;
  readonly host?: string;
  /** Keep repositories here across runs; default a temporary directory. */
  readonly dir?: string;
  /** The proxy's public URL, for change links in push output. */
  readonly webUrl?: string;
  /** Default true: seed one open change in `demo`. */
  readonly seedChange?: boolean;
  /** Service-account HTTP tokens (user name -> token), as startFakeGerrit takes them. */
  readonly tokens?: Readonly<Record<string, string>>;
  /** Projects only some users may read, as startFakeGerrit takes them. */
  readonly readAccess?: Readonly<Record<string, readonly string[]>>;
}

export async function startDemoGerrit(options: DemoGerritOptions = {}): Promise<FakeGerrit> {
  const gerrit = await startFakeGerrit({
    port: options.port ?? DEMO_GERRIT_PORT,
    projects: DEMO_PROJECTS,
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.dir === undefined ? {} : { dir: options.dir }),
    ...(options.webUrl === undefined ? {} : { webUrl: options.webUrl }),
    ...(options.tokens === undefined ? {} : { tokens: options.tokens }),
    ...(options.readAccess === undefined ? {} : { readAccess: options.readAccess }),
  });
  if (options.seedChange !== false && gerrit.changes.size === 0) await seedChange(gerrit);
  return gerrit;
}

/** bob's change "Document the demo" on demo/master, as if pushed to refs/for/master. */
async function seedChange(gerrit: FakeGerrit): Promise<void> {
  const repos = new Repos(gerrit.dir);
  const project = 'demo';
  const blob = (await repos.git(project, ['hash-object', '-w', '--stdin'], '# demo\n\nA project behind Changegate.\n')).trim();
  const tree = (await repos.git(project, ['mktree'], `100644 blob ${blob}\tREADME.md\n`)).trim();
  const parent = (await repos.git(project, ['rev-parse', 'refs/heads/master'])).trim();
  const changeId = `I${(await repos.git(project, ['hash-object', '--stdin'], `seed ${parent}`)).trim()}`;
  const commit = (await repos.git(project, ['commit-tree', tree, '-p', parent, '-m', `Document the demo\n\nChange-Id: ${changeId}\n`])).trim();
  await receive(
    { project, user: 'bob', requestId: 'seed', commands: [{ oldOid: '0'.repeat(40), newOid: commit, ref: 'refs/for/master' }], options: ['topic=demo'] },
    { model: gerrit.model, repos, webUrl: gerrit.url },
  );
}
