import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { startFakeDagster, type FakeDagster, type LocationDefinitions } from './index.js';
import { parseWebserverArgs } from './webserver-args.js';

const started: FakeDagster[] = [];
const dirs: string[] = [];
after(async () => {
  await Promise.all(started.map((d) => d.close()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function start(options: Parameters<typeof startFakeDagster>[0]): Promise<FakeDagster> {
  const d = await startFakeDagster(options);
  started.push(d);
  return d;
}

async function gql(d: FakeDagster, query: string, variables: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const res = await fetch(`${d.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: Record<string, unknown> };
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.ok(body.data);
  return body.data;
}

const PRODUCTION: LocationDefinitions[] = [
  { name: 'raw', jobs: ['ingest_job'], assets: [{ key: ['raw', 'orders'], group: 'ingest' }, { key: ['raw', 'customers'], group: 'ingest' }] },
  { name: 'marts', jobs: ['marts_job'], assets: [{ key: ['marts', 'revenue'], opVersion: '3', deps: [['raw', 'orders'], ['raw', 'customers']] }] },
];

describe('Dagster stand-in definitions in process', () => {
  test('definitions: assets across locations, the graph spans them, filters as Dagster filters', async () => {
    const d = await start({ definitions: PRODUCTION, pathPrefix: '' });
    const all = await gql(d, `{
      everything: assetNodes { assetKey { path } dependedByKeys { path } }
      ingest: assetNodes(group: { groupName: "ingest", repositoryName: "__repository__", repositoryLocationName: "raw" }) { assetKey { path } }
      picked: assetNodes(assetKeys: [{ path: ["marts", "revenue"] }]) { opVersion dependencies { asset { assetKey { path } groupName } } }
      one: assetNodeOrError(assetKey: { path: ["raw", "orders"] }) { __typename ... on AssetNode { repository { location { name } } } }
      none: assetNodeOrError(assetKey: { path: ["nope"] }) { __typename }
      repo: repositoryOrError(repositorySelector: { repositoryName: "__repository__", repositoryLocationName: "marts" }) { ... on Repository { assetNodes { assetKey { path } } } }
      runsOrError { ... on Runs { count } }
    }`);
    assert.deepEqual(all['everything'], [
      { assetKey: { path: ['raw', 'orders'] }, dependedByKeys: [{ path: ['marts', 'revenue'] }] },
      { assetKey: { path: ['raw', 'customers'] }, dependedByKeys: [{ path: ['marts', 'revenue'] }] },
      { assetKey: { path: ['marts', 'revenue'] }, dependedByKeys: [] },
    ]);
    assert.deepEqual(all['ingest'], [{ assetKey: { path: ['raw', 'orders'] } }, { assetKey: { path: ['raw', 'customers'] } }]);
    assert.deepEqual(all['picked'], [{ opVersion: '3', dependencies: [{ asset: { assetKey: { path: ['raw', 'orders'] }, groupName: 'ingest' } }, { asset: { assetKey: { path: ['raw', 'customers'] }, groupName: 'ingest' } }] }]);
    assert.deepEqual(all['one'], { __typename: 'AssetNode', repository: { location: { name: 'raw' } } });
    assert.deepEqual(all['none'], { __typename: 'AssetNotFoundError' });
    assert.deepEqual(all['repo'], { assetNodes: [{ assetKey: { path: ['marts', 'revenue'] } }] });
    assert.deepEqual(all['runsOrError'], { count: 0 });
  });

  test('redefine stages a code change that a reload applies; reloadWorkspace can drop a location', async () => {
    const d = await start({ definitions: PRODUCTION });
    const version = async (): Promise<unknown> => ((await gql(d, '{ workspaceLocationEntryOrError(name: "raw") { ... on WorkspaceLocationEntry { versionKey } } }'))['workspaceLocationEntryOrError'] as { versionKey: string }).versionKey;
    assert.equal(await version(), '1');
    d.redefine([{ name: 'raw', loadError: 'ImportError: cannot import name x' }]);
    assert.equal(((await gql(d, '{ assetNodes { id } }'))['assetNodes'] as unknown[]).length, 3, 'nothing changes before a reload');
    await gql(d, 'mutation { reloadRepositoryLocation(repositoryLocationName: "raw") { __typename } }');
    assert.equal(await version(), '2', 'a reload changes the versionKey, as in Dagster');
    const one = await gql(d, '{ assetNodes { assetKey { path } } workspaceOrError { ... on Workspace { locationEntries { name locationOrLoadError { __typename } } } } }');
    assert.deepEqual(one['assetNodes'], [{ assetKey: { path: ['marts', 'revenue'] } }]);
    assert.deepEqual(one['workspaceOrError'], { locationEntries: [{ name: 'raw', locationOrLoadError: { __typename: 'PythonError' } }, { name: 'marts', locationOrLoadError: { __typename: 'RepositoryLocation' } }] });
    await gql(d, 'mutation { reloadWorkspace { __typename } }');
    const two = await gql(d, '{ workspaceOrError { ... on Workspace { locationEntries { name } } } locationStatusesOrError { ... on WorkspaceLocationStatusEntries { entries { name } } } }');
    assert.deepEqual(two['workspaceOrError'], { locationEntries: [{ name: 'raw' }] });
    assert.deepEqual(two['locationStatusesOrError'], { entries: [{ name: 'raw' }] });
    d.redefine(PRODUCTION, { reload: true });
    assert.equal(((await gql(d, '{ assetNodes { id } }'))['assetNodes'] as unknown[]).length, 3);
    const fixed = await start({});
    assert.throws(() => fixed.redefine([]), TypeError);
  });

  test('workspaceFile: python_file and python_module entries, sidecars beside the code, malformed sidecars as load errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fake-dagster-ws-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'pkg', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'defs.json'), JSON.stringify({ jobs: ['a_job'], assets: [{ key: ['a'] }] }));
    writeFileSync(join(dir, 'pkg', 'sub', 'defs.json'), JSON.stringify({ assets: [{ key: ['b'], deps: [['a']], partitions: { type: 'DYNAMIC', description: 'Dynamic partitions', name: 'customers' } }] }));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ assets: [{ key: [] }] }));
    writeFileSync(join(dir, 'workspace.yaml'), [
      'load_from:',
      '  - python_file: defs.py',
      '  - python_module: { module_name: pkg.sub.defs, location_name: mod }',
      '  - python_file: { relative_path: bad.py, location_name: bad }',
    ].join('\n'));
    const d = await start({ workspaceFile: join(dir, 'workspace.yaml') });
    const data = await gql(d, `{
      workspaceOrError { ... on Workspace { locationEntries { name locationOrLoadError { __typename ... on PythonError { message } } } } }
      assetNodes { assetKey { path } isPartitioned partitionDefinition { type name } dependedByKeys { path } }
    }`);
    const entries = (data['workspaceOrError'] as { locationEntries: { name: string; locationOrLoadError: { __typename: string; message?: string } }[] }).locationEntries;
    assert.deepEqual(entries.map((e) => [e.name, e.locationOrLoadError.__typename]), [['defs.py', 'RepositoryLocation'], ['mod', 'RepositoryLocation'], ['bad', 'PythonError']]);
    assert.match(entries[2]?.locationOrLoadError.message ?? '', /bad\.json: not a stand-in definitions file \(assets\.0\.key/);
    assert.deepEqual(data['assetNodes'], [
      { assetKey: { path: ['a'] }, isPartitioned: false, partitionDefinition: null, dependedByKeys: [{ path: ['b'] }] },
      { assetKey: { path: ['b'] }, isPartitioned: true, partitionDefinition: { type: 'DYNAMIC', name: 'customers' }, dependedByKeys: [] },
    ]);
  });

  test('a malformed workspace file refuses to start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fake-dagster-badws-'));
    dirs.push(dir);
    for (const [text, why] of [
      ['load_from: 3', /load_from list/],
      ['load_from:\n  - python_file: a.py\n  - python_file: a.py', /Cannot have multiple locations with the same name, got multiple "a\.py"/],
      ['load_from:\n  - python_module: { module_name: "../x" }', /dotted Python module name/],
    ] as const) {
      writeFileSync(join(dir, 'workspace.yaml'), text);
      await assert.rejects(startFakeDagster({ workspaceFile: join(dir, 'workspace.yaml') }), why);
    }
  });
});

describe('dagster-webserver arguments', () => {
  const cases: { note: string; argv: string[]; want: ReturnType<typeof parseWebserverArgs> }[] = [
    { note: 'defaults', argv: ['--read-only'], want: { kind: 'serve', args: { host: '127.0.0.1', port: 3000, pathPrefix: '', workspaceFile: 'workspace.yaml', readOnly: true } } },
    { note: 'long forms with =', argv: ['--host=0.0.0.0', '--port=4123', '--path-prefix=/d/changes/7', '--workspace=w.yaml', '--log-level', 'debug'], want: { kind: 'serve', args: { host: '0.0.0.0', port: 4123, pathPrefix: '/d/changes/7', workspaceFile: 'w.yaml', readOnly: false } } },
    { note: 'short forms', argv: ['-h', '::1', '-p', '1', '-l', '/x', '-w', 'a.yaml'], want: { kind: 'serve', args: { host: '::1', port: 1, pathPrefix: '/x', workspaceFile: 'a.yaml', readOnly: false } } },
    { note: 'trailing slash', argv: ['-l', '/x/'], want: { kind: 'error', message: 'The path prefix should not include a trailing "/": got /x/' } },
    { note: 'bad port', argv: ['-p', '12x'], want: { kind: 'error', message: "Invalid value for '-p' / '--port': '12x' is not a valid integer." } },
    { note: 'missing value', argv: ['-w'], want: { kind: 'error', message: "Option '-w' requires an argument." } },
    { note: 'two workspaces', argv: ['-w', 'a', '-w', 'b'], want: { kind: 'error', message: 'The stand-in serves one workspace file; give -w once.' } },
    { note: 'stray argument', argv: ['serve'], want: { kind: 'error', message: 'Got unexpected extra argument (serve)' } },
  ];
  for (const c of cases) test(c.note, () => assert.deepEqual(parseWebserverArgs(c.argv), c.want));
});
