// Who may name a Gerrit change with X-Gerrit-Change (issue 13, part 2): a trusted role as given,
// anyone else only once Gerrit confirms they can see it (the verifier), never unchecked. The
// policy input carries the change and where it came from.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { changeClaims } from '../../../src/main/upstreams.js';
import { configSchema } from '../../../src/config/schema.js';
import { ChangegateError } from '../../../src/errors.js';
import type { ChangeRef } from '../../../src/pipeline/types.js';
import { classify, gql, startClassifyServer, testSchema, type ClassifyServer } from './harness.js';

const LAUNCH = 'mutation { launchRun(executionParams: {selector: {repositoryLocationName: "finance", repositoryName: "__repository__", jobName: "etl"}}) { __typename } }';
const CHANGE_ID = 'I8473b95934b5732ac55d26311a706c9c2bde9940';
const launch = (change: string, user?: string) => ({ ...gql(LAUNCH), ...(user === undefined ? {} : { user }), headers: { 'x-gerrit-change': change } });

describe('X-Gerrit-Change claims', () => {
  const calls: [string, ChangeRef][] = [];
  let checked: ClassifyServer;
  let unchecked: ClassifyServer;
  let strict: ClassifyServer;
  before(async () => {
    const verify = (user: string, claimed: ChangeRef): Promise<ChangeRef> => {
      calls.push([user, claimed]);
      if (claimed.number === 404) return Promise.reject(new ChangegateError('bad_header', 'X-Gerrit-Change names change 404, which does not exist or which you cannot see in Gerrit'));
      return Promise.resolve({ number: claimed.number ?? 7, project: 'demo', branch: 'refs/heads/master', changeId: CHANGE_ID });
    };
    const base = { pathPrefix: '/dagster', maxClassifiedBodyBytes: 64 * 1024, schema: testSchema() };
    checked = await startClassifyServer({ ...base, changeClaims: { trustedRoles: ['ci'], verify } });
    unchecked = await startClassifyServer(base);
    strict = await startClassifyServer({ ...base, changeClaims: { trustedRoles: [], verify } });
  });
  after(async () => {
    await Promise.all([checked.close(), unchecked.close(), strict.close()]);
  });

  it('checks an operator\'s claim with Gerrit as the caller and keeps Gerrit\'s view', async () => {
    calls.length = 0;
    const got = await classify(checked, launch('7', 'carol,viewer,operator'));
    assert.equal(got.status, 200, JSON.stringify(got));
    assert.deepEqual(calls, [['carol', { number: 7 }]]);
    assert.deepEqual(got.resource?.['change'], { number: 7, project: 'demo', branch: 'refs/heads/master', changeId: CHANGE_ID, source: 'header-verified' });
    assert.deepEqual(got.change, { number: 7, project: 'demo', branch: 'refs/heads/master', changeId: CHANGE_ID });
  });

  it('refuses a claim Gerrit does not confirm, with its reason', async () => {
    const got = await classify(checked, launch('404', 'carol,viewer,operator'));
    assert.equal(got.status, 400);
    assert.equal(got.error, 'bad_header');
    assert.match(got.reason ?? '', /cannot see/);
  });

  it('takes a trusted role at its word, without asking', async () => {
    calls.length = 0;
    const got = await classify(checked, launch(`9,${CHANGE_ID}`, 'runner,ci'));
    assert.equal(got.status, 200, JSON.stringify(got));
    assert.deepEqual(calls, []);
    assert.deepEqual(got.resource?.['change'], { number: 9, changeId: CHANGE_ID, source: 'header-trusted' });
  });

  it('refuses an untrusted claim when there is no Gerrit to ask', async () => {
    const got = await classify(unchecked, launch('7', 'carol,viewer,operator'));
    assert.equal(got.status, 400);
    assert.match(got.reason ?? '', /cannot be checked here/);
    const ci = await classify(unchecked, launch('7', 'runner,ci'));
    assert.equal(ci.resource?.['change']?.['source' as never], 'header-trusted');
  });

  it('checks every role when none is trusted', async () => {
    calls.length = 0;
    const got = await classify(strict, launch('7', 'runner,ci'));
    assert.equal(got.resource?.['change']?.['source' as never], 'header-verified');
    assert.equal(calls.length, 1);
  });

  it('ignores the header of an anonymous caller (policy refuses them; Gerrit is not asked)', async () => {
    calls.length = 0;
    const { user: _drop, ...anonymous } = launch('7');
    const got = await classify(checked, anonymous);
    assert.equal(got.status, 200, JSON.stringify(got));
    assert.equal(got.resource?.['change'], undefined);
    assert.deepEqual(calls, []);
  });

  it('does not read the header on queries', async () => {
    calls.length = 0;
    const got = await classify(checked, { ...gql('{ runsOrError { __typename } }'), headers: { 'x-gerrit-change': '7' } });
    assert.equal(got.action, 'dagster.read');
    assert.deepEqual(calls, []);
  });
});

describe('changeClaims from config', () => {
  const parse = (upstreams: Record<string, unknown>) => configSchema.parse({ listen: '127.0.0.1:0', admin: { listen: '127.0.0.1:0' }, upstreams });
  const dagster = { url: 'http://127.0.0.1:3000', pathPrefix: '/dagster' };

  it('trusts ci by default and checks the rest with the configured Gerrit', () => {
    const claims = changeClaims(parse({ dagster, gerrit: { url: 'http://127.0.0.1:8081' } }), 'X-Forwarded-User');
    assert.deepEqual(claims.trustedRoles, ['ci']);
    assert.equal(typeof claims.verify, 'function');
  });

  it('has nothing to check with when Gerrit is not configured', () => {
    const claims = changeClaims(parse({ dagster: { ...dagster, changeHeader: { trustedRoles: ['ci', 'admin'] } } }), 'X-Forwarded-User');
    assert.deepEqual(claims.trustedRoles, ['ci', 'admin']);
    assert.equal(claims.verify, undefined);
  });

  it('refuses an unknown role name in config', () => {
    assert.throws(() => parse({ dagster: { ...dagster, changeHeader: { trustedRoles: ['robots'] } } }));
  });
});
