// The UI's permission answers, rewritten per user by the real compiled policy: a viewer gets
// every button disabled with the policy's reason, an operator only the admin ones, an operator
// narrowed to one code location only that location's, and `ci` may launch only in a branch
// deployment.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'graphql';
import { deploymentInput, type DagsterDeployment } from '../../../src/upstreams/dagster/deployment.js';
import { selectOperation } from '../../../src/upstreams/dagster/graphql/document.js';
import { permissionCheck } from '../../../src/upstreams/dagster/permissions/check.js';
import { planPermissions } from '../../../src/upstreams/dagster/permissions/plan.js';
import { rewritePermissionBody } from '../../../src/upstreams/dagster/permissions/rewrite.js';
import { PolicyEngine } from '../../../src/policy/engine.js';
import { loadPolicy } from '../../../src/policy/load.js';
import type { Role } from '../../../src/identity/types.js';
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
      locationStatusesOrError: { entries: [{ id: 'finance', name: 'finance', permissions: perms() }, { id: 'ml', name: 'ml', permissions: perms() }] },
    },
  });

type Perm = { permission: string; value: boolean; disabledReason: string | null };
type UiAnswer = { data: { unscopedPermissions: Perm[]; locationStatusesOrError: { entries: { name: string; permissions: Perm[] }[] } } };

const PROD: DagsterDeployment = { kind: 'main', name: 'prod' };
const BRANCH: DagsterDeployment = { kind: 'branch', name: 'pr-42', change: { number: 42 } };

async function engineFor(dir: string): Promise<PolicyEngine> {
  const engine = new PolicyEngine({ cacheSize: 100, cacheTtlMs: 1000 });
  engine.swap((await loadPolicy({ path: dir, entrypoint: 'changegate/decision' })).snapshot);
  return engine;
}

describe('Dagster UI permission rewriting', () => {
  let engine: PolicyEngine;
  let narrowedEngine: PolicyEngine;
  const dir = mkdtempSync(join(tmpdir(), 'changegate-perm-'));
  before(async () => {
    engine = await engineFor(join(repoRoot(), 'policies'));
    // The same policies, with carol narrowed to the finance location and ml's train job.
    cpSync(join(repoRoot(), 'policies'), join(dir, 'policies'), { recursive: true });
    writeFileSync(join(dir, 'policies', 'data.yaml'), 'dagster:\n  grants:\n    carol:\n      locations: [finance]\n      jobs: [ml/train]\n');
    narrowedEngine = await engineFor(join(dir, 'policies'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const rewrite = (roles: Role[], query: string, body: string, options: { engine?: PolicyEngine; deployment?: DagsterDeployment; variables?: Record<string, unknown> } = {}): Record<string, unknown> | undefined => {
    const plan = planPermissions(selectOperation(parse(query), undefined, options.variables ?? {}));
    assert.ok(plan !== undefined);
    const check = permissionCheck(options.engine ?? engine, {
      subject: { id: 'u', username: 'carol', groups: [], roles, via: 'oidc', human: true },
      deployment: deploymentInput(options.deployment ?? PROD),
      request: { method: 'POST', path: '/dagster/graphql', ip: '127.0.0.1', requestId: 'r' },
    });
    const out = rewritePermissionBody(Buffer.from(body), plan, check);
    return out === undefined ? undefined : (JSON.parse(out.toString('utf8')) as Record<string, unknown>);
  };

  const values = (list: Perm[]): Record<string, boolean> => Object.fromEntries(list.map((p) => [p.permission, p.value]));

  it('disables everything for a viewer, with the policy reason, under the aliases', () => {
    const out = rewrite(['viewer'], UI_QUERY, uiResponse()) as UiAnswer;
    assert.deepEqual(values(out.data.unscopedPermissions), { launch_pipeline_execution: false, terminate_pipeline_execution: false, reload_workspace: false, edit_app_managed_components: false });
    assert.match(out.data.unscopedPermissions[0]?.disabledReason ?? '', /Changegate policy \(no_rule_allows\)/);
    assert.deepEqual(values(out.data.locationStatusesOrError.entries[0]!.permissions), values(out.data.unscopedPermissions));
  });

  it('leaves an operator the run buttons and disables the admin ones and unknown permissions', () => {
    const out = rewrite(['viewer', 'operator'], UI_QUERY, uiResponse()) as UiAnswer;
    assert.deepEqual(values(out.data.unscopedPermissions), { launch_pipeline_execution: true, terminate_pipeline_execution: true, reload_workspace: false, edit_app_managed_components: false });
    assert.equal(out.data.unscopedPermissions[0]?.disabledReason, null);
    assert.match(out.data.unscopedPermissions[3]?.disabledReason ?? '', /dagster_unknown_mutation/);
  });

  it('decides location entries for their own location: a narrowed operator keeps only finance', () => {
    const out = rewrite(['viewer', 'operator'], UI_QUERY, uiResponse(), { engine: narrowedEngine }) as UiAnswer;
    const [finance, ml] = out.data.locationStatusesOrError.entries;
    assert.equal(values(finance!.permissions)['launch_pipeline_execution'], true);
    assert.equal(values(ml!.permissions)['launch_pipeline_execution'], false);
    assert.match(ml!.permissions[0]?.disabledReason ?? '', /dagster_outside_granted_scope/);
    // The unscoped answers name no location, which a narrowed grant does not cover.
    assert.equal(values(out.data.unscopedPermissions)['launch_pipeline_execution'], false);
  });

  it("takes a location entry's id when the query selects no name", () => {
    const query = 'query { workspaceOrError { ... on Workspace { locationEntries { id permissions { permission value } } } } }';
    const body = JSON.stringify({ data: { workspaceOrError: { locationEntries: ['finance', 'ml'].map((id) => ({ id, permissions: [{ permission: 'launch_pipeline_execution', value: true }] })) } } });
    const out = rewrite(['viewer', 'operator'], query, body, { engine: narrowedEngine }) as { data: { workspaceOrError: { locationEntries: { permissions: Perm[] }[] } } };
    assert.deepEqual(out.data.workspaceOrError.locationEntries.map((e) => e.permissions[0]?.value), [true, false]);
  });

  it('scopes a job by the arguments that selected it, variables included', () => {
    // The response does not name the location; the selector did.
    const query = 'query J($s: PipelineSelector!) { pipelineOrError(params: $s) { ... on Pipeline { hasLaunchExecutionPermission } } }';
    const body = (): string => JSON.stringify({ data: { pipelineOrError: { hasLaunchExecutionPermission: true } } });
    const sel = (location: string, job: string): Record<string, unknown> => ({ s: { repositoryLocationName: location, repositoryName: '__repository__', pipelineName: job } });
    assert.equal(rewrite(['viewer', 'operator'], query, body(), { engine: narrowedEngine, variables: sel('ml', 'train') }), undefined, 'ml/train is granted');
    const out = rewrite(['viewer', 'operator'], query, body(), { engine: narrowedEngine, variables: sel('ml', 'serve') }) as { data: { pipelineOrError: Record<string, unknown> } };
    assert.equal(out.data.pipelineOrError['hasLaunchExecutionPermission'], false);
  });

  it('scopes runs by their origin in the response', () => {
    const query = 'query { runsOrError { ... on Runs { results { runId repositoryOrigin { repositoryLocationName } canStop: hasTerminatePermission } } } }';
    const body = JSON.stringify({ data: { runsOrError: { results: [
      { runId: 'a', repositoryOrigin: { repositoryLocationName: 'finance' }, canStop: true },
      { runId: 'b', repositoryOrigin: { repositoryLocationName: 'ml' }, canStop: true },
    ] } } });
    const out = rewrite(['viewer', 'operator'], query, body, { engine: narrowedEngine }) as { data: { runsOrError: { results: Record<string, unknown>[] } } };
    assert.deepEqual(out.data.runsOrError.results.map((r) => r['canStop']), [true, false]);
  });

  it('takes a job name beside the job markers, inside a location entry', () => {
    const query = `query { workspaceOrError { ... on Workspace { locationEntries { name locationOrLoadError { ... on RepositoryLocation { repositories { pipelines { name hasLaunchExecutionPermission } } } } } } } }`;
    const entry = (name: string, jobs: string[]): unknown => ({ name, locationOrLoadError: { repositories: [{ pipelines: jobs.map((j) => ({ name: j, hasLaunchExecutionPermission: true })) }] } });
    const body = JSON.stringify({ data: { workspaceOrError: { locationEntries: [entry('finance', ['etl']), entry('ml', ['train', 'serve'])] } } });
    const out = rewrite(['viewer', 'operator'], query, body, { engine: narrowedEngine }) as { data: { workspaceOrError: { locationEntries: { locationOrLoadError: { repositories: { pipelines: { name: string; hasLaunchExecutionPermission: boolean }[] }[] } }[] } } };
    const allowed = out.data.workspaceOrError.locationEntries.flatMap((e) => e.locationOrLoadError.repositories[0]!.pipelines.filter((p) => p.hasLaunchExecutionPermission).map((p) => p.name));
    assert.deepEqual(allowed, ['etl', 'train']);
  });

  it('lets ci launch and terminate only in a branch deployment', () => {
    const main = rewrite(['ci'], UI_QUERY, uiResponse()) as UiAnswer;
    assert.equal(values(main.data.unscopedPermissions)['launch_pipeline_execution'], false);
    const branch = rewrite(['ci'], UI_QUERY, uiResponse(), { deployment: BRANCH }) as UiAnswer;
    assert.deepEqual(values(branch.data.unscopedPermissions), { launch_pipeline_execution: true, terminate_pipeline_execution: true, reload_workspace: false, edit_app_managed_components: false });
  });

  it("shows the change's owner the launch button in its open deployment, and nobody in a closed one", () => {
    const change = { number: 42, id: 'I0123456789abcdef0123456789abcdef01234567', project: 'p', branch: 'main', patchset: 2, owner: 'carol', reviewers: [], status: 'OPEN' as const };
    const open: DagsterDeployment = { kind: 'change', name: 'gerrit-change-42', change, gitSha: 'a'.repeat(40) };
    const merged: DagsterDeployment = { ...open, change: { ...change, status: 'MERGED' } };
    const launch = (deployment: DagsterDeployment, roles: Role[]): boolean | undefined => values((rewrite(roles, UI_QUERY, uiResponse(), { deployment }) as UiAnswer | undefined)?.data.unscopedPermissions ?? perms() as Perm[])['launch_pipeline_execution'];
    assert.equal(launch(open, ['viewer']), true);
    assert.equal(launch(merged, ['viewer']), false);
    assert.equal(launch(merged, ['viewer', 'admin']), false, 'admins too: the deployment is being torn down');
    assert.equal(launch(PROD, ['viewer']), false, "the owner's rights end at the branch deployment");
  });

  it('never enables what Dagster disabled, and leaves an admin unchanged', () => {
    const body = JSON.stringify({ data: { unscopedPermissions: [{ permission: 'wipe_assets', value: false, disabledReason: 'read-only' }] } });
    assert.equal(rewrite(['viewer'], UI_QUERY, body), undefined);
    assert.equal(rewrite(['admin'], UI_QUERY, JSON.stringify({ data: { unscopedPermissions: [{ permission: 'reload_workspace', value: true, disabledReason: null }] } })), undefined);
  });

  it('rewrites aliased has*Permission booleans through fragments', () => {
    const query = 'query { runsOrError { ... on Runs { results { ...R } } } } fragment R on Run { runId canStop: hasTerminatePermission hasDeletePermission }';
    const body = JSON.stringify({ data: { runsOrError: { results: [{ runId: 'a', canStop: true, hasDeletePermission: true }] } } });
    const out = rewrite(['viewer'], query, body) as { data: { runsOrError: { results: Record<string, unknown>[] } } };
    assert.deepEqual(out.data.runsOrError.results[0], { runId: 'a', canStop: false, hasDeletePermission: false });
  });

  it('asks for both schedule and sensor rights when the instigator type is not selected', () => {
    const query = 'query { instigationStatesOrError(repositoryID: "r") { ... on InstigationStates { results { id hasStartPermission } } } }';
    const body = JSON.stringify({ data: { instigationStatesOrError: { results: [{ id: 'i', hasStartPermission: true }] } } });
    assert.equal(rewrite(['viewer', 'operator'], query, body), undefined);
    const out = rewrite(['viewer'], query, body) as { data: { instigationStatesOrError: { results: Record<string, unknown>[] } } };
    assert.equal(out.data.instigationStatesOrError.results[0]?.['hasStartPermission'], false);
  });

  it('leaves bodies that are not JSON, or carry no data, alone', () => {
    assert.equal(rewrite(['viewer'], UI_QUERY, '<html>'), undefined);
    assert.equal(rewrite(['viewer'], UI_QUERY, JSON.stringify({ errors: [{ message: 'x' }] })), undefined);
  });

  it('plans nothing for a query without permission fields, or for a mutation', () => {
    assert.equal(planPermissions(selectOperation(parse('{ runsOrError { __typename } }'), undefined, {})), undefined);
    assert.equal(planPermissions(selectOperation(parse('mutation { reloadWorkspace { ... on Workspace { locationEntries { permissions { value } } } } }'), undefined, {})), undefined);
  });
});
