// Run stamping: every run a mutation creates carries `user`, `changegate/request-id` and the
// Gerrit change, whatever way the client wrote the arguments, and client copies are replaced.
// Each forwarded body is re-read as Dagster would and validated against the real schema.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse, validate } from 'graphql';
import { selectOperation } from '../../../src/upstreams/dagster/graphql/document.js';
import { classify, gql, startClassifyServer, testSchema, type Classified, type ClassifyServer } from './harness.js';

const SEL = '{repositoryLocationName: "finance", repositoryName: "__repository__", jobName: "etl"}';
const SEL_JS = { repositoryLocationName: 'finance', repositoryName: '__repository__', jobName: 'etl' };
const FORGED = [{ key: 'user', value: 'mallory@example.com' }, { key: 'changegate/request-id', value: 'forged' }, { key: 'gerrit/change-number', value: '1' }, { key: 'team', value: 'data' }];
const OURS = [{ key: 'user', value: 'alice@example.com' }, { key: 'changegate/request-id', value: 'req-1' }];

type Tags = { key: string; value: string }[];

/** The tag lists Dagster would see, per run-creating argument, after re-parsing what we forward. */
function forwardedTags(got: Classified): Tags[] {
  assert.equal(got.status, 200, JSON.stringify(got));
  assert.equal(got.bodyKind, 'buffered');
  const body = JSON.parse(got.forwarded ?? '') as { query: string; variables?: Record<string, unknown>; operationName?: string };
  const document = parse(body.query);
  assert.deepEqual(validate(testSchema(), document).map((e) => e.message), []);
  const op = selectOperation(document, body.operationName, body.variables ?? {});
  const out: Tags[] = [];
  for (const f of op.fields) {
    const a = f.args as Record<string, Record<string, unknown> | Record<string, unknown>[] | undefined>;
    const params = f.name === 'launchMultipleRuns' ? (a['executionParamsList'] as Record<string, unknown>[]) : a['executionParams'] === undefined || a['executionParams'] === null ? [] : [a['executionParams'] as Record<string, unknown>];
    for (const p of params) out.push(((p['executionMetadata'] as Record<string, unknown> | undefined)?.['tags'] ?? []) as Tags);
    const re = a['reexecutionParams'] as Record<string, unknown> | undefined;
    if (re) out.push((re['extraTags'] ?? []) as Tags);
    const bf = a['backfillParams'] as Record<string, unknown> | undefined;
    if (bf) out.push((bf['tags'] ?? []) as Tags);
  }
  return JSON.parse(JSON.stringify(out)) as Tags[];
}

describe('Dagster run stamping', () => {
  let server: ClassifyServer;
  before(async () => {
    // Every X-Gerrit-Change is taken as Gerrit confirmed it: who may name a change is tested in change-claims.test.ts.
    server = await startClassifyServer({ pathPrefix: '/dagster', maxClassifiedBodyBytes: 64 * 1024, schema: testSchema(), changeClaims: { trustedRoles: ['ci'], verify: (_user, claimed) => Promise.resolve(claimed) } });
  });
  after(() => server.close());

  it('stamps tags held in a variable named __proto__, sent or defaulted', async () => {
    const q = `mutation L($__proto__: [ExecutionTag!] = [{key: "user", value: "mallory@example.com"}]) { launchRun(executionParams: {selector: ${SEL}, executionMetadata: {tags: $__proto__}}) { __typename } }`;
    const sent = JSON.parse('{"__proto__":[{"key":"user","value":"mallory@example.com"}]}') as Record<string, unknown>;
    for (const variables of [undefined, sent]) {
      const got = await classify(server, gql(q, variables));
      assert.equal(got.status, 200, JSON.stringify(got));
      const body = JSON.parse(got.forwarded ?? '') as { variables: Record<string, Tags> };
      assert.ok(Object.hasOwn(body.variables, '__proto__'), got.forwarded);
      assert.deepEqual(body.variables['__proto__']?.filter((t) => t.key === 'user'), [OURS[0]]);
    }
  });

  it('adds tags to an inline literal without executionMetadata', async () => {
    const tags = forwardedTags(await classify(server, gql(`mutation { launchRun(executionParams: {selector: ${SEL}}) { __typename } }`)));
    assert.deepEqual(tags, [OURS]);
  });

  it('replaces forged tags in an inline literal and keeps the others', async () => {
    const lit = FORGED.map((t) => `{key: "${t.key}", value: "${t.value}"}`).join(', ');
    const tags = forwardedTags(await classify(server, gql(`mutation { launchRun(executionParams: {selector: ${SEL}, executionMetadata: {tags: [${lit}]}}) { __typename } }`)));
    assert.deepEqual(tags, [[{ key: 'team', value: 'data' }, ...OURS]]);
  });

  it('replaces forged tags in a variable', async () => {
    const got = await classify(server, gql('mutation L($p: ExecutionParams!) { launchPipelineExecution(executionParams: $p) { __typename } }', { p: { selector: SEL_JS, executionMetadata: { tags: FORGED } } }));
    assert.deepEqual(forwardedTags(got), [[{ key: 'team', value: 'data' }, ...OURS]]);
    // The document itself was not rewritten, only the variable.
    assert.match(JSON.parse(got.forwarded ?? '{}').query, /launchPipelineExecution\(executionParams: \$p\)/);
  });

  it('stamps a variable default the client left in the document', async () => {
    const tags = forwardedTags(await classify(server, gql(`mutation L($p: ExecutionParams! = {selector: ${SEL}, executionMetadata: {tags: [{key: "user", value: "x"}]}}) { launchRun(executionParams: $p) { __typename } }`)));
    assert.deepEqual(tags, [OURS]);
  });

  it('stamps a variable nested in a literal (executionMetadata and tags)', async () => {
    const meta = forwardedTags(await classify(server, gql(`mutation L($m: ExecutionMetadata) { launchRun(executionParams: {selector: ${SEL}, executionMetadata: $m}) { __typename } }`, { m: { tags: FORGED } })));
    assert.deepEqual(meta, [[{ key: 'team', value: 'data' }, ...OURS]]);
    const tags = forwardedTags(await classify(server, gql(`mutation L($t: [ExecutionTag!]) { launchRun(executionParams: {selector: ${SEL}, executionMetadata: {tags: $t}}) { __typename } }`, { t: FORGED })));
    assert.deepEqual(tags, [[{ key: 'team', value: 'data' }, ...OURS]]);
  });

  it('stamps each item of launchMultipleRuns, literal and variable items alike', async () => {
    const got = await classify(server, gql(`mutation L($a: ExecutionParams!) { launchMultipleRuns(executionParamsList: [$a, {selector: ${SEL}}]) { __typename } }`, { a: { selector: SEL_JS, executionMetadata: { tags: FORGED } } }));
    assert.deepEqual(forwardedTags(got), [[{ key: 'team', value: 'data' }, ...OURS], OURS]);
  });

  it('stamps aliased fields reached through a fragment', async () => {
    const got = await classify(server, gql(`mutation { ...F } fragment F on Mutation { a: launchRun(executionParams: {selector: ${SEL}}) { __typename } b: launchRun(executionParams: {selector: ${SEL}}) { __typename } }`));
    assert.deepEqual(forwardedTags(got), [OURS, OURS]);
  });

  it('overwrites the parent run user on re-execution (extraTags)', async () => {
    const got = await classify(server, gql('mutation R($r: ReexecutionParams) { launchRunReexecution(reexecutionParams: $r) { __typename } }', { r: { parentRunId: 'p', strategy: 'ALL_STEPS', extraTags: [{ key: 'user', value: 'bob@example.com' }] } }));
    assert.deepEqual(forwardedTags(got), [OURS]);
  });

  it('stamps backfill tags', async () => {
    const got = await classify(server, gql('mutation { launchPartitionBackfill(backfillParams: {selector: {partitionSetName: "p", repositorySelector: {repositoryLocationName: "finance", repositoryName: "r"}}, tags: [{key: "gerrit/change-id", value: "Ix"}]}) { __typename } }'));
    assert.deepEqual(forwardedTags(got), [OURS]);
  });

  it('adds the Gerrit change from X-Gerrit-Change', async () => {
    const change = 'I8473b95934b5732ac55d26311a706c9c2bde9940';
    const got = await classify(server, { ...gql(`mutation { launchRun(executionParams: {selector: ${SEL}}) { __typename } }`), headers: { 'x-gerrit-change': `4711,${change}` } });
    assert.deepEqual(forwardedTags(got), [[...OURS, { key: 'gerrit/change-number', value: '4711' }, { key: 'gerrit/change-id', value: change }]]);
    assert.deepEqual(got.change, { number: 4711, changeId: change });
  });

  it('refuses a malformed X-Gerrit-Change', async () => {
    const got = await classify(server, { ...gql(`mutation { launchRun(executionParams: {selector: ${SEL}}) { __typename } }`), headers: { 'x-gerrit-change': 'main' } });
    assert.equal(got.status, 400);
  });

  it('rewrites application/graphql literals in place', async () => {
    const got = await classify(server, { contentType: 'application/graphql', user: 'alice,operator', body: `mutation { launchRun(executionParams: {selector: ${SEL}, executionMetadata: {tags: [{key: "user", value: "x"}]}}) { __typename } }` });
    assert.equal(got.bodyKind, 'buffered');
    const op = selectOperation(parse(got.forwarded ?? ''), undefined, {});
    const exec = op.fields[0]?.args['executionParams'] as { executionMetadata: { tags: Tags } };
    assert.deepEqual(JSON.parse(JSON.stringify(exec.executionMetadata.tags)), OURS);
  });

  it('keeps other JSON body keys and leaves non-run mutations untouched', async () => {
    const send = { contentType: 'application/json', user: 'alice,operator', body: JSON.stringify({ query: 'mutation { reloadWorkspace { __typename } }', extensions: { x: 1 } }) };
    const got = await classify(server, send);
    assert.equal(got.forwarded, send.body);
    const launched = await classify(server, { ...send, body: JSON.stringify({ query: `mutation { launchRun(executionParams: {selector: ${SEL}}) { __typename } }`, extensions: { x: 1 } }) });
    assert.deepEqual(JSON.parse(launched.forwarded ?? '{}').extensions, { x: 1 });
  });
});

describe('the parsed document is shared between requests', () => {
  it('stamping literals prints an edited copy and leaves the cached document as it was parsed', async () => {
    const { parseDocument } = await import('../../../src/upstreams/dagster/graphql/document.js');
    const { stampRunTags } = await import('../../../src/upstreams/dagster/graphql/stamp-tags.js');
    const { print } = await import('graphql');
    const text = `mutation { launchRun(executionParams: {selector: ${SEL}, executionMetadata: {tags: [{key: "team", value: "data"}]}}) { __typename } }`;
    const document = parseDocument(text, testSchema());
    const before = print(document);
    const first = stampRunTags(selectOperation(document, undefined, {}), OURS);
    assert.match(first.query ?? '', /alice@example\.com/);
    assert.equal(parseDocument(text, testSchema()), document, 'the second request gets the cached document');
    assert.equal(print(document), before, 'the cached document was not edited');
    const second = stampRunTags(selectOperation(document, undefined, {}), [{ key: 'user', value: 'bob@example.com' }]);
    assert.doesNotMatch(second.query ?? '', /alice/);
    assert.match(second.query ?? '', /bob@example\.com/);
  });
});
