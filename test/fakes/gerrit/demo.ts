// The stand-in as the demo's Gerrit: a fixed port (8081), two projects (one with a slash in its
// name), and one open change by bob waiting for review, so the demo has something to vote on and
// submit. `demo`'s master holds a Dagster project (workspace.yaml and the `finance` location, as
// the Dagster stand-in reads it: test/fakes/dagster/DEFINITIONS.md) and the change adds an asset
// to it, so the demo's branch deployment of the change serves something master does not.
// No side effects on import: every .js under dist/test/ is run by `node --test`.
//
//   node --import tsx -e "import('./test/fakes/gerrit/demo.ts').then((m) => m.startDemoGerrit())"

import { startFakeGerrit, type FakeGerrit } from './index.js';
import { receive } from './receive.js';
import { Repos } from './repos.js';

export const DEMO_GERRIT_PORT = 8081;
export const DEMO_PROJECTS: readonly string[] = ['demo', 'external/bison'];
/** The project whose open change gets the demo's branch deployment. */
export const DEMO_DAGSTER_PROJECT = 'demo';
export const DEMO_CHANGE_SUBJECT = 'Add the invoices asset';

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

/** The `finance` code location's sidecar with these assets (master has the ledger; the change adds invoices). */
function financeSidecar(assets: readonly string[]): string {
  const asset = (name: string): Record<string, unknown> => ({
    key: ['finance', name],
    opVersion: 'v1',
    group: 'accounting',
    owners: ['bob@example.test'],
    ...(name === 'ledger' ? {} : { deps: [['finance', 'ledger']] }),
  });
  return `${JSON.stringify({ jobs: ['ledger_job', 'smoke_test'], assets: assets.map(asset) }, null, 2)}\n`;
}

const WORKSPACE_YAML = 'load_from:\n  - python_file:\n      relative_path: finance/definitions.py\n      location_name: finance\n';
const DEFINITIONS_PY = '# The finance code location. (The Dagster stand-in reads definitions.json beside this file.)\n';

/** A tree of `files` (path -> text, one directory level at most) written into the project's object store. */
async function writeTree(repos: Repos, project: string, files: Readonly<Record<string, string>>): Promise<string> {
  const blob = async (text: string): Promise<string> => (await repos.git(project, ['hash-object', '-w', '--stdin'], text)).trim();
  const dirs = new Map<string, string[]>();
  const top: string[] = [];
  for (const [path, text] of Object.entries(files)) {
    const slash = path.indexOf('/');
    const line = `100644 blob ${await blob(text)}\t${slash === -1 ? path : path.slice(slash + 1)}\n`;
    if (slash === -1) top.push(line);
    else dirs.set(path.slice(0, slash), [...(dirs.get(path.slice(0, slash)) ?? []), line]);
  }
  for (const [dir, lines] of dirs) top.push(`040000 tree ${(await repos.git(project, ['mktree'], lines.join(''))).trim()}\t${dir}\n`);
  return (await repos.git(project, ['mktree'], top.join(''))).trim();
}

/**
 * `demo`'s master gets the Dagster project, as if an admin had pushed it; then bob's change
 * "Add the invoices asset" on top, as if pushed to refs/for/master.
 */
async function seedChange(gerrit: FakeGerrit): Promise<void> {
  const repos = new Repos(gerrit.dir);
  const project = 'demo';
  const readme = '# demo\n\nA Dagster project behind Changegate: workspace.yaml names the finance code location.\n';
  const base = { 'README.md': readme, 'workspace.yaml': WORKSPACE_YAML, 'finance/definitions.py': DEFINITIONS_PY };
  const initial = (await repos.git(project, ['rev-parse', 'refs/heads/master'])).trim();
  const masterTree = await writeTree(repos, project, { ...base, 'finance/definitions.json': financeSidecar(['ledger']) });
  const master = (await repos.git(project, ['commit-tree', masterTree, '-p', initial, '-m', 'The finance code location\n'])).trim();
  await repos.updateRef(project, 'refs/heads/master', master);

  const tree = await writeTree(repos, project, { ...base, 'finance/definitions.json': financeSidecar(['ledger', 'invoices']) });
  const changeId = `I${(await repos.git(project, ['hash-object', '--stdin'], `seed ${master}`)).trim()}`;
  const commit = (await repos.git(project, ['commit-tree', tree, '-p', master, '-m', `${DEMO_CHANGE_SUBJECT}\n\nfinance/invoices, built from the ledger.\n\nChange-Id: ${changeId}\n`])).trim();
  await receive(
    { project, user: 'bob', requestId: 'seed', commands: [{ oldOid: '0'.repeat(40), newOid: commit, ref: 'refs/for/master' }], options: ['topic=demo'] },
    { model: gerrit.model, repos, webUrl: gerrit.url },
  );
}
