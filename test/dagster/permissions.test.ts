// The UI's permission answers, rewritten per user by the real compiled policy: a viewer gets
// every button disabled with the policy's reason, an operator only the admin ones.

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parse } from 'graphql';
import { selectOperation } from '../../src/dagster/graphql/document.js';
import { permissionCheck } from '../../src/dagster/permissions/check.js';
import { planPermissions } from '../../src/dagster/permissions/plan.js';
import { rewritePermissionBody } from '../../src/dagster/permissions/registry.js';
import { PolicyEngine } from '../../src/policy/engine.js';
import { loadPolicy } from '../../src/policy/load.js';
import type { Role } from '../../src/identity/types.js';
import { repoRoot } from './harness.js';

// The UI's own query (Permissions.tsx), aliases and fragment included.
const UI_QUERY = `query PermissionsQuery {
  unscopedPermissions: permissions { ...PermissionFragment }
  locationStatusesOrError {
    ... on WorkspaceLocationStatusEntries { entries { id name permissions { ...PermissionFragment } } }
  }
}
fragment PermissionFragment on Permission { permission value disabledReason }`;

const perms = (): Record<string, unknown>[] => ['launch_pipeline_execution', 'terminate_pipeline_execution', 'reload_workspace', 'edit_app_managed_components'].map((permission) => ({ permission, value: true, disabledReason: null }));

const uiResponse = (): string =>
  JSON.stringify({
    data: {
      unscopedPermissions: perms(),
      locationStatusesOrError: { entries: [{ id: 'finance', name: 'finance', permissions: perms() }] },
    },
  });

type Perm = { permission: string; value: boolean; disabledReason: string | null };

describe('Dagster UI permission rewriting', () => {
  const engine = new PolicyEngine({ cacheSize: 100, cacheTtlMs: 1000 });
  before(async () => {
    const loaded = await loadPolicy({ path: join(repoRoot(), 'policies'), entrypoint: 'changegate/decision' });
    engine.swap(loaded.snapshot);
  });

  const rewrite = (roles: Role[], query: string, body: string): Record<string, unknown> | undefined => {
    const plan = planPermissions(selectOperation(parse(query), undefined, {}));
    assert.ok(plan !== undefined);
    const check = permissionCheck(engine, {
      subject: { id: 'u', username: 'u', groups: [], roles, via: 'oidc', human: true },
      deployment: { name: 'prod', branch: false },
      request: { method: 'POST', path: '/dagster/graphql', ip: '127.0.0.1', requestId: 'r' },
    });
    const out = rewritePermissionBody(Buffer.from(body), plan, check);
    return out === undefined ? undefined : (JSON.parse(out.toString('utf8')) as Record<string, unknown>);
  };

  const values = (list: Perm[]): Record<string, boolean> => Object.fromEntries(list.map((p) => [p.permission, p.value]));

  it('disables everything for a viewer, with the policy reason, under the aliases', () => {
    const out = rewrite(['viewer'], UI_QUERY, uiResponse()) as { data: { unscopedPermissions: Perm[]; locationStatusesOrError: { entries: { permissions: Perm[] }[] } } };
    assert.deepEqual(values(out.data.unscopedPermissions), { launch_pipeline_execution: false, terminate_pipeline_execution: false, reload_workspace: false, edit_app_managed_components: false });
    assert.match(out.data.unscopedPermissions[0]?.disabledReason ?? '', /Changegate policy \(no_rule_allows\)/);
    assert.deepEqual(values(out.data.locationStatusesOrError.entries[0]!.permissions), values(out.data.unscopedPermissions));
  });

  it('leaves an operator the run buttons and disables the admin ones', () => {
    const out = rewrite(['viewer', 'operator'], UI_QUERY, uiResponse()) as { data: { unscopedPermissions: Perm[] } };
    assert.deepEqual(values(out.data.unscopedPermissions), { launch_pipeline_execution: true, terminate_pipeline_execution: true, reload_workspace: false, edit_app_managed_components: false });
    assert.equal(out.data.unscopedPermissions[0]?.disabledReason, null);
  });

  it('never enables what Dagster disabled, and leaves an admin unchanged', () => {
    const body = JSON.stringify({ data: { unscopedPermissions: [{ permission: 'wipe_assets', value: false, disabledReason: 'read-only' }] } });
    assert.equal(rewrite(['admin'], UI_QUERY, body), undefined);
  });

  it('rewrites aliased has*Permission booleans through fragments', () => {
    const query = 'query { runsOrError { ... on Runs { results { ...R } } } } fragment R on Run { runId canStop: hasTerminatePermission hasDeletePermission }';
    const body = JSON.stringify({ data: { runsOrError: { results: [{ runId: 'a', canStop: true, hasDeletePermission: true }] } } });
    const out = rewrite(['viewer'], query, body) as { data: { runsOrError: { results: Record<string, unknown>[] } } };
    assert.deepEqual(out.data.runsOrError.results[0], { runId: 'a', canStop: false, hasDeletePermission: false });
  });

  it('plans nothing for a query without permission fields', () => {
    assert.equal(planPermissions(selectOperation(parse('{ runsOrError { __typename } }'), undefined, {})), undefined);
  });
});
