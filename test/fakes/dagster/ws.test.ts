import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startFakeDagster, type FakeDagster } from './index.js';
import { WsClient } from './ws-client.js';

let dagster: FakeDagster;
const clients: WsClient[] = [];
before(async () => {
  dagster = await startFakeDagster({ keepAliveMs: 60_000 });
});
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await dagster.close();
});

async function connect(headers: Record<string, string> = {}): Promise<WsClient> {
  const client = await WsClient.open(`${dagster.url.replace(/^http/, 'ws')}/graphql`, headers);
  clients.push(client);
  client.send({ type: 'connection_init', payload: {} });
  assert.equal((await client.next()).type, 'connection_ack');
  return client;
}

const LOGS = `subscription RunLogs($runId: ID!) {
  pipelineRunLogs(runId: $runId) {
    __typename
    ... on PipelineRunLogsSubscriptionSuccess { run { runId } messages { __typename ... on MessageEvent { message level } } cursor }
    ... on PipelineRunLogsSubscriptionFailure { missingRunId }
  }
}`;

describe('Dagster stand-in over graphql-ws', () => {
  test('negotiates the graphql-ws subprotocol and streams a run\'s logs, then completes', async () => {
    const client = await connect({ 'x-forwarded-email': 'dave@example.test', 'x-request-id': 'ws-1' });
    assert.equal(client.socket.protocol, 'graphql-ws');
    const runId = dagster.model.listRuns()[0]?.runId ?? '';
    client.send({ type: 'start', id: '1', payload: { query: LOGS, variables: { runId }, operationName: 'RunLogs' } });
    const frames = await client.until('complete', '1');
    const data = frames.filter((f) => f.type === 'data');
    assert.equal(data.length, 3);
    const types = data.map((f) => ((f.payload as { data: { pipelineRunLogs: { messages: { __typename: string }[] } } }).data.pipelineRunLogs.messages[0]?.__typename));
    assert.deepEqual(types, ['RunStartEvent', 'LogMessageEvent', 'RunSuccessEvent']);
    const op = dagster.recorder.operations.at(-1);
    assert.equal(op?.transport, 'ws');
    assert.equal(op?.operationType, 'subscription');
    assert.deepEqual(op?.rootFields, ['pipelineRunLogs']);
    assert.equal(op?.identity['x-forwarded-email'], 'dave@example.test');
    assert.equal(op?.requestId, 'ws-1');
  });

  test('an unknown run streams a failure payload', async () => {
    const client = await connect();
    client.send({ type: 'start', id: 'x', payload: { query: LOGS, variables: { runId: 'nope' } } });
    const frames = await client.until('complete', 'x');
    assert.deepEqual((frames[0]?.payload as { data: unknown }).data, { pipelineRunLogs: { __typename: 'PipelineRunLogsSubscriptionFailure', missingRunId: 'nope' } });
  });

  test('a mutation sent in start is executed (data, complete): the stand-in does not protect itself', async () => {
    const client = await connect();
    const countBefore = dagster.model.runs.size;
    const query = 'mutation { launchRun(executionParams: {selector: {jobName: "demo_job", repositoryName: "__repository__", repositoryLocationName: "demo_location"}, executionMetadata: {tags: [{key: "via", value: "ws"}]}}) { __typename } }';
    client.send({ type: 'start', id: 'm', payload: { query } });
    const frames = await client.until('complete', 'm');
    assert.deepEqual((frames[0]?.payload as { data: unknown }).data, { launchRun: { __typename: 'LaunchRunSuccess' } });
    assert.equal(dagster.model.runs.size, countBefore + 1);
    const op = dagster.recorder.operations.at(-1);
    assert.equal(op?.operationType, 'mutation');
    assert.equal(op?.transport, 'ws');
    assert.deepEqual(op?.runTags, [[{ key: 'via', value: 'ws' }]]);
  });

  test('an invalid document gets an error frame and is not executed', async () => {
    const client = await connect();
    const countBefore = dagster.recorder.operations.length;
    client.send({ type: 'start', id: 'bad', payload: { query: 'subscription { noSuchStream }' } });
    const frame = await client.next();
    assert.equal(frame.type, 'error');
    assert.equal(frame.id, 'bad');
    assert.match((frame.payload as { message: string }).message, /noSuchStream/);
    assert.equal(dagster.recorder.operations.length, countBefore);
  });

  test('a long-lived subscription sends its event and stops on stop', async () => {
    const client = await connect();
    client.send({ type: 'start', id: 'loc', payload: { query: 'subscription { locationStateChangeEvents { event { eventType locationName } } }' } });
    const first = await client.next();
    assert.equal(first.type, 'data');
    assert.deepEqual((first.payload as { data: unknown }).data, { locationStateChangeEvents: { event: { eventType: 'LOCATION_UPDATED', locationName: 'demo_location' } } });
    client.send({ type: 'stop', id: 'loc' });
    // A stopped operation ends without complete; a following query still answers on the socket.
    client.send({ type: 'start', id: 'q', payload: { query: '{ version }' } });
    const frames = await client.until('complete', 'q');
    assert.deepEqual(frames.map((f) => `${f.type}:${f.id ?? ''}`), ['data:q', 'complete:q']);
  });

  test('keep-alive frames follow the ack when asked for', async () => {
    const chatty = await startFakeDagster({ keepAliveMs: 10 });
    try {
      const client = await WsClient.open(`${chatty.url.replace(/^http/, 'ws')}/graphql`);
      client.send({ type: 'connection_init' });
      assert.equal((await client.next()).type, 'connection_ack');
      assert.equal((await client.next()).type, 'ka');
      await client.close();
    } finally {
      await chatty.close();
    }
  });

  test('upgrades outside <prefix>/graphql are refused', async () => {
    const origin = dagster.url.slice(0, -dagster.pathPrefix.length).replace(/^http/, 'ws');
    await assert.rejects(WsClient.open(`${origin}/graphql`), /404/);
  });
});
