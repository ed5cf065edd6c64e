// The page a browser gets at `<prefix>/` through the proxy: not the Dagster UI, just enough to see
// that the request arrived, as whom, and which runs exist (with their tags, where Changegate's
// stamps show up).

import type { IncomingHttpHeaders } from 'node:http';
import { escapeHtml } from './http-util.js';
import type { DagsterModel, StoredRun } from './model.js';

function runRow(run: StoredRun): string {
  const tags = run.tags.map((t) => `<code>${escapeHtml(t.key)}=${escapeHtml(t.value)}</code>`).join(' ');
  return `<tr><td><code>${escapeHtml(run.runId.slice(0, 8))}</code></td><td>${escapeHtml(run.job.location)}</td><td>${escapeHtml(run.job.name)}</td><td>${run.status}</td><td>${tags}</td></tr>`;
}

export function indexPage(model: DagsterModel, prefix: string, headers: IncomingHttpHeaders): string {
  const user = headers['x-forwarded-email'] ?? headers['x-forwarded-user'];
  const who = typeof user === 'string' ? `Request received for <b>${escapeHtml(user)}</b>.` : 'No identity header arrived (not through Changegate?).';
  const jobs = model.locations.map((l) => `<li>${escapeHtml(l.name)}: ${l.jobs.map(escapeHtml).join(', ')}</li>`).join('');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Dagster (stand-in)</title>
<style>body{font-family:sans-serif;margin:2em}td,th{padding:.2em .6em;text-align:left}code{font-size:.9em}</style></head>
<body><h1>Dagster (stand-in)</h1>
<p>${who} GraphQL is at <code>${escapeHtml(prefix)}/graphql</code> (HTTP and <code>graphql-ws</code>).</p>
<h2>Code locations</h2><ul>${jobs}</ul>
<h2>Runs</h2><table><tr><th>Run</th><th>Location</th><th>Job</th><th>Status</th><th>Tags</th></tr>${model.listRuns().map(runRow).join('')}</table>
</body></html>`;
}

/**
 * The Dagster UI's own PermissionsQuery (ui-core Permissions.tsx), aliases and fragment as the
 * UI writes them: what a browser asks for on every page load.
 */
export const UI_PERMISSIONS_QUERY = `query PermissionsQuery {
  unscopedPermissions: permissions {
    ...PermissionFragment
  }
  workspaceOrError {
    ... on Workspace {
      locationEntries {
        id
        name
        permissions {
          ...PermissionFragment
        }
      }
    }
  }
}

fragment PermissionFragment on Permission {
  permission
  value
  disabledReason
}`;

/**
 * A page at `<prefix>/__stand-in/permissions` that does what the UI does with the answer: fetch
 * PermissionsQuery from `<prefix>/graphql` (same origin, so through the proxy with the session)
 * and render one button per permission, disabled with the `disabledReason` as its title when
 * `value` is false. `#status` says `done` (or the error) once rendered.
 */
export function permissionsPage(prefix: string): string {
  const script = `
const render = (scope, list) => list.map((p) => {
  const b = document.createElement('button');
  b.textContent = p.permission;
  b.dataset.scope = scope;
  b.dataset.permission = p.permission;
  b.disabled = !p.value;
  if (p.disabledReason) b.title = p.disabledReason;
  return b;
});
fetch(${JSON.stringify(`${prefix}/graphql`)}, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ operationName: 'PermissionsQuery', variables: {}, query: ${JSON.stringify(UI_PERMISSIONS_QUERY)} }),
}).then(async (res) => {
  const body = await res.json();
  if (!res.ok || !body.data) throw new Error(res.status + ' ' + JSON.stringify(body));
  const root = document.getElementById('buttons');
  root.append(...render('unscoped', body.data.unscopedPermissions));
  for (const entry of body.data.workspaceOrError.locationEntries) root.append(...render(entry.name, entry.permissions));
  document.getElementById('status').textContent = 'done';
}).catch((e) => { document.getElementById('status').textContent = 'error: ' + e.message; });`;
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Permissions (Dagster stand-in)</title></head>
<body><h1>What the UI would enable</h1><p id="status">loading</p><div id="buttons"></div>
<script>${script}</script></body></html>`;
}
