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
