import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { authenticationChain, identityHeaders } from '../../src/auth/authenticate.js';
import { BearerAuthenticator } from '../../src/auth/bearer.js';
import type { AuthResult, Authenticator } from '../../src/auth/types.js';
import { ChangegateError } from '../../src/errors.js';
import { ANONYMOUS, type BearerIdentity } from '../../src/identity/types.js';
import { nowPlus, startTestIdp, type TestIdp } from '../fakes/idp.js';
import { authRequest, identityConfig } from '../identity/auth-helpers.js';

const WHO: BearerIdentity = {
  kind: 'authenticated',
  via: 'bearer',
  id: 'bob-sub',
  username: 'bob',
  email: 'bob@example.test',
  groups: ['gerrit-reviewers', 'a,b', 'ok'],
  roles: ['viewer', 'reviewer'],
  issuer: 'http://idp',
  human: true,
};

function fixed(name: string, result: AuthResult | Error, calls: string[]): Authenticator {
  return {
    name,
    async authenticate() {
      calls.push(name);
      if (result instanceof Error) throw result;
      return result;
    },
  };
}

describe('authentication chain', () => {
  const absent: AuthResult = { kind: 'absent' };
  const ok: AuthResult = { kind: 'authenticated', identity: WHO };
  const bad: AuthResult = { kind: 'rejected', error: new ChangegateError('unauthenticated', 'bad token') };

  it('takes the first authenticated answer and stops', async () => {
    const calls: string[] = [];
    const chain = authenticationChain([fixed('a', absent, calls), fixed('b', ok, calls), fixed('c', bad, calls)]);
    assert.deepEqual(await chain.authenticate(authRequest({})), ok);
    assert.deepEqual(calls, ['a', 'b']);
  });

  it('never lets a later authenticator rescue a rejected credential', async () => {
    const calls: string[] = [];
    const chain = authenticationChain([fixed('a', bad, calls), fixed('b', ok, calls)]);
    assert.deepEqual(await chain.authenticate(authRequest({})), bad);
    assert.deepEqual(calls, ['a']);
  });

  it('is absent (anonymous) when nobody recognises anything', async () => {
    const calls: string[] = [];
    const chain = authenticationChain([fixed('a', absent, calls), fixed('b', absent, calls)]);
    assert.deepEqual(await chain.authenticate(authRequest({})), absent);
    assert.deepEqual(calls, ['a', 'b']);
  });

  it('refuses an Authorization header nobody claimed, unless told not to', async () => {
    const chain = authenticationChain([fixed('a', absent, [])]);
    const r = await chain.authenticate(authRequest({ authorization: 'Digest username="x"' }));
    assert.equal(r.kind, 'rejected');
    assert.equal(r.kind === 'rejected' && r.error.status, 401);
    assert.match(r.kind === 'rejected' ? r.error.message : '', /Digest credential/);
    const lenient = authenticationChain([fixed('a', absent, [])], { rejectUnclaimedAuthorization: false });
    assert.deepEqual(await lenient.authenticate(authRequest({ authorization: 'Digest x' })), absent);
  });

  it('fails closed when an authenticator throws', async () => {
    const calls: string[] = [];
    const chain = authenticationChain([fixed('boom', new Error('bug'), calls), fixed('b', ok, calls)]);
    const r = await chain.authenticate(authRequest({}));
    assert.equal(r.kind, 'rejected');
    assert.equal(r.kind === 'rejected' && r.error.status, 500);
    assert.deepEqual(calls, ['boom']);
  });
});

describe('identity headers', () => {
  it('sends nothing for anonymous', () => {
    assert.deepEqual(identityHeaders(ANONYMOUS, { assertion: 'x' }), {});
  });

  it('sends user, email, header-safe groups, Gerrit header and assertion', () => {
    assert.deepEqual(identityHeaders(WHO, { usernameHeader: 'X-Gerrit-User', assertion: 'a.b.c' }), {
      'x-forwarded-user': 'bob',
      'x-forwarded-preferred-username': 'bob',
      'x-forwarded-email': 'bob@example.test',
      'x-forwarded-groups': 'gerrit-reviewers,ok',
      'x-gerrit-user': 'bob',
      'x-changegate-assertion': 'a.b.c',
    });
    assert.equal(Object.keys(identityHeaders(WHO, { usernameHeader: 'X-Forwarded-User' })).length, 4, 'no duplicate for the default');
  });

  it('bounds the groups header for a user in 300 groups', () => {
    const many = { ...WHO, groups: Array.from({ length: 300 }, (_, i) => `filler-group-${i}`) };
    const value = identityHeaders(many)['x-forwarded-groups'] ?? '';
    assert.ok(value.length > 0 && value.length <= 2048);
  });
});

describe('tokens never reach a log', () => {
  let idp: TestIdp;
  before(async () => {
    idp = await startTestIdp({});
  });
  after(() => idp.close());

  it('logs of rejections and identities contain no token or signature', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = pino({ level: 'trace' }, sink);
    const chain = authenticationChain([new BearerAuthenticator(identityConfig([{ issuer: idp.issuer }]))]);
    const good = await idp.mintClientToken('ci-runner');
    const expired = await idp.sign({ iss: idp.issuer, aud: 'changegate', sub: 'x', exp: nowPlus(-600) });
    const wrongAud = await idp.mintClientToken('ci-runner', { audience: 'elsewhere' });
    const tampered = `${good.slice(0, good.lastIndexOf('.'))}.AAAA${good.slice(good.lastIndexOf('.') + 5)}`;
    for (const token of [good, expired, wrongAud, tampered]) {
      const result = await chain.authenticate(authRequest({ authorization: `Bearer ${token}` }));
      if (result.kind === 'rejected') {
        log.warn({ err: result.error, body: result.error.toBody('req-1'), headers: result.error.headers }, result.error.message);
      } else {
        log.info({ result }, 'authenticated');
      }
    }
    sink.end();
    const text = lines.join('');
    assert.equal(lines.length, 4);
    for (const token of [good, expired, wrongAud, tampered]) {
      const signature = token.slice(token.lastIndexOf('.') + 1);
      assert.equal(text.includes(token), false);
      assert.equal(text.includes(signature), false);
    }
  });
});
