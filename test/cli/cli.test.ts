import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { COMMANDS } from '../../src/cli/registry.js';
import { runCliProcess } from './spawn-cli.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'changegate-cli-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const GOOD = `upstreams:
  gerrit:  { url: "http://svc:\${GERRIT_PASS}@127.0.0.1:8081" }
  dagster: { url: http://127.0.0.1:3000, pathPrefix: /dagster }
identity:
  bearer: [{ issuer: https://idp.example.com, audience: changegate }]
  roles:
    reviewer: { groups: [gerrit-reviewers] }
    admin: { groups: [platform-admins] }
`;

describe('changegate CLI (spawned)', () => {
  test('--help and help list every registered command, exit 0', async () => {
    for (const args of [['--help'], ['help'], ['-h']]) {
      const r = await runCliProcess(args);
      assert.equal(r.code, 0, r.stderr);
      for (const c of COMMANDS) assert.ok(r.stdout.includes(c.name.join(' ')), `${args.join(' ')} lists ${c.name.join(' ')}`);
      assert.ok(r.stdout.includes('config check'));
    }
  });

  test('<cmd> --help prints that command usage, exit 0', async () => {
    const r = await runCliProcess(['config', 'check', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: changegate config check FILE/);
    const s = await runCliProcess(['serve', '--help']);
    assert.equal(s.code, 0);
    assert.match(s.stdout, /--config FILE/);
  });

  test('unknown command: usage on stderr, exit 2', async () => {
    const r = await runCliProcess(['frobnicate']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /unknown command "frobnicate"/);
    assert.match(r.stderr, /Usage: changegate <command>/);
  });

  test('no command: usage on stderr, exit 2', async () => {
    const r = await runCliProcess([]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Usage: changegate <command>/);
  });

  test('config check on a good file: OK, a summary, no secrets, exit 0', async () => {
    const file = join(dir, 'good.yaml');
    await writeFile(file, GOOD);
    const r = await runCliProcess(['config', 'check', file], { GERRIT_PASS: 'hunter2-secret' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^config OK: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n`));
    assert.match(r.stdout, /upstreams: gerrit -> http:\/\/127\.0\.0\.1:8081\/ \(prefix \/\), dagster -> http:\/\/127\.0\.0\.1:3000\/ \(prefix \/dagster\)/);
    assert.match(r.stdout, /issuers: https:\/\/idp\.example\.com \(bearer\)/);
    assert.match(r.stdout, /roles: reviewer, admin/);
    assert.ok(!r.stdout.includes('hunter2-secret') && !r.stderr.includes('hunter2-secret'));
  });

  test('config check on a bad file: problem lines on stderr, exit 2', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, GOOD.replace('http://127.0.0.1:3000', 'ftp://127.0.0.1:3000').replace('pathPrefix: /dagster', 'pathPrefx: /dagster'));
    const r = await runCliProcess(['config', 'check', file], { GERRIT_PASS: 'x' });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^ {2}upstreams\.dagster\.url: expected an http\(s\) URL$/m);
    assert.match(r.stderr, /^ {2}upstreams\.dagster\.pathPrefx: unknown key \(did you mean "pathPrefix"\?\)$/m);
  });

  test('config check with a missing environment variable: exit 2 naming it', async () => {
    const file = join(dir, 'env.yaml');
    await writeFile(file, GOOD);
    const r = await runCliProcess(['config', 'check', file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /upstreams\.gerrit\.url: environment variable GERRIT_PASS is not set/);
  });

  test('config check without a file, or a missing file: exit 2', async () => {
    const none = await runCliProcess(['config', 'check']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /expected exactly one FILE/);
    const missing = await runCliProcess(['config', 'check', join(dir, 'absent.yaml')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /absent\.yaml: no such file/);
  });

  test('serve with a bad config exits 2 with the problem lines', async () => {
    const file = join(dir, 'bad-serve.yaml');
    await writeFile(file, 'upstreams: {}\n');
    const viaFlag = await runCliProcess(['serve', '--config', file]);
    assert.equal(viaFlag.code, 2);
    assert.match(viaFlag.stderr, /upstreams: configure at least one upstream/);
    const viaEnv = await runCliProcess(['serve'], { CHANGEGATE_CONFIG: file });
    assert.equal(viaEnv.code, 2);
    assert.match(viaEnv.stderr, /upstreams: configure at least one upstream/);
  });

  test('unknown option: exit 2', async () => {
    const r = await runCliProcess(['serve', '--confg', 'x.yaml']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option --confg/);
  });
});
