import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mappedGroups, rolesFor, type RoleMap, type RoleSubject } from '../../src/identity/roles.js';
import type { Role } from '../../src/identity/types.js';

const empty = { groups: [], subjects: [], clients: [], emails: [] };
const MAP: RoleMap = {
  reviewer: { ...empty, groups: ['gerrit-reviewers'] },
  operator: { ...empty, groups: ['data-operators'], emails: ['Ops@Example.test'] },
  ci: { ...empty, clients: ['ci-runner'] },
  admin: { ...empty, groups: ['platform-admins'], subjects: ['root-sub'] },
};

const human = (extra: Partial<RoleSubject> = {}): RoleSubject => ({ subject: 'u1', groups: [], human: true, ...extra });
const machine = (extra: Partial<RoleSubject> = {}): RoleSubject => ({ subject: 'm1', groups: [], human: false, ...extra });

const CASES: { note: string; who: RoleSubject; map?: RoleMap; want: Role[] }[] = [
  { note: 'a human with no mapped facts is a viewer', who: human(), want: ['viewer'] },
  { note: 'a machine with no mapped facts has no role', who: machine(), want: [] },
  { note: 'group grants a role', who: human({ groups: ['gerrit-reviewers'] }), want: ['viewer', 'reviewer'] },
  { note: 'several groups, several roles, in ROLES order', who: human({ groups: ['platform-admins', 'gerrit-reviewers'] }), want: ['viewer', 'reviewer', 'admin'] },
  { note: 'subject grants a role', who: human({ subject: 'root-sub' }), want: ['viewer', 'admin'] },
  { note: 'client grants ci to a machine', who: machine({ clientId: 'ci-runner' }), want: ['ci'] },
  { note: 'client grant also applies to a human acting through it', who: human({ clientId: 'ci-runner' }), want: ['viewer', 'ci'] },
  { note: 'machine group grants only that role, no viewer', who: machine({ groups: ['data-operators'] }), want: ['operator'] },
  { note: 'email compares case-insensitively', who: human({ email: 'ops@example.TEST' }), want: ['viewer', 'operator'] },
  { note: 'email never matches by suffix', who: human({ email: 'x.ops@example.test' }), want: ['viewer'] },
  { note: 'multi-@ email does not match', who: human({ email: 'ops@example.test@evil.test' }), want: ['viewer'] },
  { note: 'group names are case-sensitive', who: human({ groups: ['Platform-Admins'] }), want: ['viewer'] },
  { note: 'a subject equal to a group name grants nothing', who: human({ subject: 'platform-admins' }), want: ['viewer'] },
  { note: 'a client id equal to a group name grants nothing', who: machine({ clientId: 'gerrit-reviewers' }), want: [] },
  { note: 'empty map: humans still view', who: human({ groups: ['platform-admins'] }), map: {}, want: ['viewer'] },
  { note: 'viewer can also be granted to a machine explicitly', who: machine({ clientId: 'bot' }), map: { viewer: { ...empty, clients: ['bot'] } }, want: ['viewer'] },
  { note: 'duplicate facts give one role', who: human({ subject: 'root-sub', groups: ['platform-admins'] }), want: ['viewer', 'admin'] },
];

describe('rolesFor', () => {
  for (const c of CASES) {
    it(c.note, () => assert.deepEqual(rolesFor(c.who, c.map ?? MAP), c.want));
  }

  it('lists the groups the map names', () => {
    assert.deepEqual([...mappedGroups(MAP)].sort(), ['data-operators', 'gerrit-reviewers', 'platform-admins']);
  });
});
