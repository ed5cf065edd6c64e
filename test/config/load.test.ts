import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConfigError } from '../../src/config/errors.js';
import { loadConfig, loadConfigFile, MAX_CONFIG_BYTES, parseConfigText, resolveConfigFile } from '../../src/config/load.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'changegate-config-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const GOOD = `listen: 127.0.0.1:8080
admin: { listen: 127.0.0.1:9901 }
publicUrl: http://127.0.0.1:8080
trustedProxies: []
upstreams:
  gerrit:  { url: http://127.0.0.1:8081, pathPrefix: / }
  dagster: { url: http://127.0.0.1:3000, pathPrefix: /dagster }
identity:
  bearer:
    - { issuer: https://idp.example.com, audience: changegate }
  groupsClaim: groups
  roles:
    reviewer: { groups: [gerrit-reviewers] }
    operator: { groups: [data-operators] }
    ci:       { clients: [ci-runner] }
    admin:    { subjects: [], groups: [platform-admins] }
policy: { path: policies/ }
audit:  { path: var/audit.jsonl }
`;

/** The problem lines of the ConfigError that parsing `text` throws. */
function problems(text: string, env: Record<string, string> = {}): readonly string[] {
  try {
    parseConfigText(text, { env, baseDir: dir, source: 'test.yaml' });
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    assert.equal(e.code, 'config_invalid');
    return e.lines;
  }
  assert.fail('config was accepted');
}

describe('config loading', () => {
  test('the issue example loads, with defaults applied', () => {
    const c = parseConfigText(GOOD, { env: {}, baseDir: dir, source: 'good.yaml' });
    assert.equal(c.upstreams.dagster?.pathPrefix, '/dagster');
    assert.equal(c.upstreams.gerrit?.timeoutMs, 60_000);
    assert.deepEqual(c.identity.roles.ci?.clients, ['ci-runner']);
    assert.deepEqual(c.identity.bearer[0]?.algorithms, ['RS256', 'ES256']);
  });

  test('bad URL names the path and the reason', () => {
    const lines = problems(GOOD.replace('http://127.0.0.1:3000', 'ftp://127.0.0.1:3000'));
    assert.deepEqual(lines, ['upstreams.dagster.url: expected an http(s) URL']);
  });

  test('unknown keys are errors with a did-you-mean suggestion', () => {
    const lines = problems(GOOD.replace('pathPrefix: /dagster', 'pathPrefx: /dagster').replace('roles:\n    reviewer', 'roles:\n    reviewr'));
    assert.ok(lines.includes('upstreams.dagster.pathPrefx: unknown key (did you mean "pathPrefix"?)'), lines.join('\n'));
    assert.ok(lines.includes('identity.roles.reviewr: unknown key (did you mean "reviewer"?)'), lines.join('\n'));
  });

  test('an unknown key far from every known key gets no suggestion', () => {
    assert.deepEqual(problems(`${GOOD}frobnicate: true\n`), ['frobnicate: unknown key']);
  });

  test('array indexes are written in brackets', () => {
    const lines = problems(GOOD.replace('audience: changegate', 'audience: changegate, algorithms: [none]'));
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^identity\.bearer\[0\]\.algorithms\[0\]: expected one of "RS256"/);
  });

  test('type errors say what was expected and what was found', () => {
    const lines = problems(GOOD.replace('groups: [gerrit-reviewers]', 'groups: gerrit-reviewers').replace('policy: { path: policies/ }', 'policy: { path: policies/, cacheSize: -1 }'));
    assert.ok(lines.includes('identity.roles.reviewer.groups: expected a list, got string "gerrit-reviewers"'), lines.join('\n'));
    assert.ok(lines.includes('policy.cacheSize: expected a number >= 0'), lines.join('\n'));
  });

  test('a missing required section says "required"', () => {
    assert.deepEqual(problems('listen: 127.0.0.1:8080\n'), ['upstreams: required']);
  });

  test('empty upstreams are rejected', () => {
    assert.deepEqual(problems('upstreams: {}\n'), ['upstreams: configure at least one upstream']);
  });

  test('a top-level list is rejected', () => {
    assert.deepEqual(problems('- a\n'), ['(top level): expected a mapping, got a list']);
  });

  test('bad YAML reports line and column', () => {
    assert.deepEqual(problems('listen: 127.0.0.1:8080\nupstreams:\n  gerrit: url: http://x\n'), [
      'line 3, column 11: Nested mappings are not allowed in compact mappings',
    ]);
    assert.deepEqual(problems('upstreams:\n\tgerrit: {}\n'), ['line 2, column 1: Tabs are not allowed as indentation']);
  });

  test('an alias without an anchor is a YAML problem, not a crash', () => {
    const lines = problems('upstreams: *nope\n');
    assert.match(lines[0]!, /^bad alias: /);
  });

  test('duplicate keys are rejected with their line', () => {
    const lines = problems('upstreams:\n  gerrit: { url: http://a }\n  gerrit: { url: http://b }\n');
    assert.deepEqual(lines, ['line 3, column 3: duplicate key (each key may appear once per mapping)']);
  });

  test('more than one YAML document is rejected', () => {
    const lines = problems('upstreams: { gerrit: { url: http://a } }\n---\nlisten: 1\n');
    assert.match(lines[0]!, /more than one YAML document/);
  });

  test('an alias bomb fails fast', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ].join('\n');
    assert.deepEqual(problems(bomb), ['too many alias expansions (limit 32)']);
  });

  test('a few aliases are fine', () => {
    const text = 'upstreams:\n  gerrit: { url: &u http://127.0.0.1:1 }\n  dagster: { url: *u, pathPrefix: /dagster }\n';
    const c = parseConfigText(text, { env: {}, baseDir: dir, source: 'x' });
    assert.equal(c.upstreams.dagster?.url, 'http://127.0.0.1:1');
  });

  test('__proto__ is just an unknown key', () => {
    assert.deepEqual(problems('upstreams: { gerrit: { url: http://a } }\n__proto__: { listen: 1 }\n'), ['__proto__: unknown key']);
  });
});

describe('config files', () => {
  test('relative paths resolve against the config file directory, absolute ones stay', async () => {
    const sub = join(dir, 'etc');
    await mkdir(sub, { recursive: true });
    const file = join(sub, 'changegate.yaml');
    await writeFile(file, 'upstreams: { gerrit: { url: http://a } }\npolicy: { path: rego/, bundle: b/bundle.tar.gz }\naudit: { path: /var/log/cg.jsonl }\n');
    const c = await loadConfigFile('etc/changegate.yaml', { env: {}, cwd: dir });
    assert.equal(c.policy.path, join(sub, 'rego') + sep);
    assert.equal(c.policy.bundle, join(sub, 'b', 'bundle.tar.gz'));
    assert.equal(c.audit.path, '/var/log/cg.jsonl');
    assert.equal(c.stateDir, join(sub, 'var'), 'defaults resolve against the file too');
  });

  test('the file comes from the argument, else CHANGEGATE_CONFIG, else none', async () => {
    assert.equal(resolveConfigFile({ file: 'a.yaml', env: { CHANGEGATE_CONFIG: 'b.yaml' }, cwd: '/x' }), '/x/a.yaml');
    assert.equal(resolveConfigFile({ env: { CHANGEGATE_CONFIG: 'b.yaml' }, cwd: '/x' }), '/x/b.yaml');
    assert.equal(resolveConfigFile({ env: {}, cwd: '/x' }), undefined);
    assert.equal(await loadConfig({ env: {}, cwd: dir }), undefined);
    const file = join(dir, 'env.yaml');
    await writeFile(file, 'upstreams: { dagster: { url: http://d } }\n');
    const c = await loadConfig({ env: { CHANGEGATE_CONFIG: file }, cwd: '/' });
    assert.equal(c?.upstreams.dagster?.url, 'http://d');
  });

  test('a missing file is a ConfigError naming it', async () => {
    await assert.rejects(loadConfigFile(join(dir, 'nope.yaml'), { env: {}, cwd: dir }), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.lines[0]!, /nope\.yaml: no such file$/);
      return true;
    });
  });

  test('files over 1 MiB are rejected before parsing', async () => {
    const file = join(dir, 'big.yaml');
    await writeFile(file, `# ${'x'.repeat(MAX_CONFIG_BYTES)}\n`);
    await assert.rejects(loadConfigFile(file, { env: {}, cwd: dir }), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.lines[0]!, /limit is 1048576/);
      return true;
    });
  });
});

describe('whole-config checks', () => {
  test('the admin listener may not share the ingress address', () => {
    assert.deepEqual(problems('listen: 127.0.0.1:8080\nadmin: { listen: 127.0.0.1:8080 }\nupstreams: { gerrit: { url: http://a } }\n'), [
      'admin.listen: must differ from listen (the admin listener is never on the ingress)',
    ]);
    // Port 0 means "any free port" and so never collides.
    parseConfigText('listen: 127.0.0.1:0\nadmin: { listen: 127.0.0.1:0 }\nupstreams: { gerrit: { url: http://a } }\n', { env: {}, baseDir: dir, source: 'x' });
  });

  test('two upstreams on the same route are ambiguous', () => {
    assert.deepEqual(problems('upstreams: { gerrit: { url: http://a }, dagster: { url: http://b } }\n'), [
      'upstreams.dagster: same host and pathPrefix as upstreams.gerrit (give one a different pathPrefix or host)',
    ]);
  });
});
