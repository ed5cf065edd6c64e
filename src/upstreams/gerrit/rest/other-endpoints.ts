// Projects, accounts, groups, server config and plugins. Reads are reads; writes are sorted
// into the administration action they amount to, and anything we do not recognise is an
// unknown write.

import { ACTIONS, read, unknownWrite, type Method, type RestMatch } from './match.js';

const PROJECT_ADMIN_VIEWS = new Set([
  'access', 'access:review', 'config', 'config:review', 'parent', 'labels', 'labels:review',
  'submit_requirements', 'submit_requirements:review', 'migrate-labels', 'migrate-labels:review',
  'branches', 'branches:delete', 'tags', 'tags:delete', 'HEAD', 'ban', 'gc', 'description',
  'dashboards', 'check', 'index', 'index.changes', 'changes:delete',
]);

/** Views under /accounts/{id}/ that hold a credential (an HTTP token, an SSH or GPG key). */
const CREDENTIAL_VIEWS = new Set(['password.http', 'tokens', 'sshkeys', 'gpgkeys', 'external.ids', 'external.ids:delete']);

export function matchProjects(method: Method, rest: readonly string[]): RestMatch {
  if (method === 'GET') return read;
  if (rest.length === 0) return unknownWrite;
  const [, v0] = rest;
  // PUT/DELETE /projects/{p} creates or (plugin) deletes a project.
  if (v0 === undefined) return method === 'PUT' || method === 'DELETE' ? { action: ACTIONS.projectAdmin, attrs: { view: 'project' } } : unknownWrite;
  if (v0 === 'create.change' && rest.length === 2 && method === 'POST') return { action: ACTIONS.create, attrs: { view: v0 } };
  if (v0 === 'commits' && rest[3] === 'cherrypick' && rest.length === 4 && method === 'POST') return { action: ACTIONS.create, attrs: { view: 'cherrypick' } };
  if (PROJECT_ADMIN_VIEWS.has(v0)) return { action: ACTIONS.projectAdmin, attrs: { view: v0 } };
  return unknownWrite;
}

export function matchAccounts(method: Method, rest: readonly string[]): RestMatch {
  if (method === 'GET') return read;
  const [accountSegment, v0] = rest;
  if (accountSegment === undefined) return unknownWrite;
  if (v0 === undefined) return { action: ACTIONS.accountAdmin, accountSegment, attrs: { view: 'account' } };
  if (CREDENTIAL_VIEWS.has(v0)) return { action: ACTIONS.credentials, accountSegment, attrs: { view: v0 } };
  return { action: ACTIONS.accountUpdate, accountSegment, attrs: { view: v0 } };
}

export function matchGroups(method: Method): RestMatch {
  return method === 'GET' ? read : { action: ACTIONS.groupAdmin };
}

export function matchServer(method: Method): RestMatch {
  return method === 'GET' ? read : { action: ACTIONS.serverAdmin };
}
