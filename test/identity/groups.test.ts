import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  boundGroups,
  boundGroupsBySize,
  groupsFromClaim,
  groupsHeaderValue,
  MAX_GROUPS_IN_CLAIM,
} from '../../src/identity/groups.js';
import { bearerIdentityFromClaims, isMachineToken } from '../../src/identity/claims.js';

describe('group lists', () => {
  it('reads arrays and single strings, dropping junk and duplicates', () => {
    assert.deepEqual(groupsFromClaim(['a', 'b', 'a', '', 3, null]), ['a', 'b']);
    assert.deepEqual(groupsFromClaim('solo'), ['solo']);
    assert.deepEqual(groupsFromClaim(undefined), []);
    assert.deepEqual(groupsFromClaim({ a: 1 }), []);
    assert.equal(groupsFromClaim(Array.from({ length: MAX_GROUPS_IN_CLAIM + 1 }, (_, i) => `g${i}`)), undefined);
  });

  it('keeps mapped groups first when cutting, in the IdP order otherwise', () => {
    const many = Array.from({ length: 300 }, (_, i) => `filler-${i}`);
    const cut = boundGroups([...many, 'gerrit-reviewers'], 5, new Set(['gerrit-reviewers']));
    assert.deepEqual(cut, ['gerrit-reviewers', 'filler-0', 'filler-1', 'filler-2', 'filler-3']);
    assert.deepEqual(boundGroups(['b', 'a'], 5, new Set(['a'])), ['b', 'a'], 'no reordering when nothing is cut');
  });

  it('bounds by count and size with whole names', () => {
    assert.deepEqual(boundGroupsBySize(['aaaa', 'bbbb', 'cccc'], 10, 9), ['aaaa', 'bbbb']);
    assert.deepEqual(boundGroupsBySize(['aaaa', 'bbbb', 'cccc'], 1, 100), ['aaaa']);
  });

  it('builds a header value of whole, header-safe groups within the byte bound', () => {
    assert.equal(groupsHeaderValue(['a', 'b,c', 'd\r\nX-Evil: 1', ' lead', 'ünï', 'e'], 100), 'a,e');
    const many = Array.from({ length: 300 }, (_, i) => `filler-group-${i}`);
    const value = groupsHeaderValue(many, 2048);
    assert.ok(value.length <= 2048);
    assert.ok(value.split(',').every((g) => many.includes(g)));
  });
});

describe('bearer claims', () => {
  const rules = { issuer: 'http://idp', usernameClaim: 'preferred_username', groupsClaim: 'groups', roles: {} };

  it('tells machines from people by the client_credentials shape', () => {
    assert.equal(isMachineToken({ sub: 'ci', client_id: 'ci' }, 'ci'), true);
    assert.equal(isMachineToken({ sub: 'ci@clients' }, 'ci'), true);
    assert.equal(isMachineToken({ sub: 'x', gty: 'client-credentials' }, undefined), true);
    assert.equal(isMachineToken({ sub: 'uuid', preferred_username: 'service-account-ci' }, 'ci'), true);
    assert.equal(isMachineToken({ sub: 'alice', azp: 'cli' }, 'cli'), false);
    assert.equal(isMachineToken({ sub: 'alice' }, undefined), false);
  });

  it('falls back to sub for a person without a username claim, never the email local part', () => {
    const r = bearerIdentityFromClaims({ sub: 'u-123', email: 'alice@a.test' }, rules);
    assert.ok(r.ok);
    assert.equal(r.identity.username, 'u-123');
  });

  it('refuses user names that cannot travel in a header', () => {
    for (const bad of ['ali ce', 'alice\r\nX-Forwarded-User: admin', 'ålice', 'x'.repeat(257)]) {
      const r = bearerIdentityFromClaims({ sub: 's', preferred_username: bad }, rules);
      assert.equal(r.ok, false, JSON.stringify(bad));
    }
  });

  it('refuses a token with absurdly many groups', () => {
    const r = bearerIdentityFromClaims({ sub: 's', groups: Array.from({ length: MAX_GROUPS_IN_CLAIM + 1 }, (_, i) => `g${i}`) }, rules);
    assert.equal(r.ok, false);
  });
});
