// Gerrit's session rules: REST calls move under /a/ for signed-in users; GerritAccount never passes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ANONYMOUS } from '../../../src/identity/types.js';
import { gerritAuthenticatedPath, gerritStamping } from '../../../src/upstreams/gerrit/session.js';

test('Gerrit REST calls move under /a/; UI and git paths do not', () => {
  assert.equal(gerritAuthenticatedPath('/changes/project~1/submit'), '/a/changes/project~1/submit');
  assert.equal(gerritAuthenticatedPath('/accounts/self/detail'), '/a/accounts/self/detail');
  assert.equal(gerritAuthenticatedPath('/a/changes/1'), '/a/changes/1');
  assert.equal(gerritAuthenticatedPath('/c/project/+/1'), '/c/project/+/1');
  assert.equal(gerritAuthenticatedPath('/project.git/info/refs'), '/project.git/info/refs');
  assert.equal(gerritAuthenticatedPath('/changesfoo'), '/changesfoo');
});

test('anonymous requests keep their path: Gerrit serves them as anonymous either way', () => {
  assert.equal(gerritStamping.path?.('/changes/1', ANONYMOUS), '/changes/1');
  assert.ok(gerritStamping.sessionCookies?.has('GerritAccount'));
  assert.ok(gerritStamping.sessionCookies?.has('XSRF_TOKEN'));
});
