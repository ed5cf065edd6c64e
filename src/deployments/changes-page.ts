// /.changegate/api/changes/{change}/assets (JSON) and /.changegate/changes/{change}/assets (HTML):
// what a change does to the asset graph, as change tracking computed it, for whoever may see the
// change's deployment (policy action `deployment.view`).

import express from 'express';
import type { IncomingMessage } from 'node:http';
import type { Request, Response } from 'express';
import { pageViewer, sendPageError } from './pages.js';
import { escapeHtml, sendPage } from '../auth/web/html.js';
import { ChangegateError } from '../errors.js';
import type { AuthenticatedIdentity } from '../identity/types.js';
import type { Decider, UpstreamName } from '../policy/types.js';
import type { DeploymentRecord } from './registry.js';

/** The parts of a result the page shows; Dagster's AssetImpact fits. */
export interface ShownImpact {
  readonly computedFor: { readonly patchset: number; readonly gitSha: string };
  readonly assets: readonly { readonly key: readonly string[]; readonly reasons: readonly string[]; readonly owners: readonly string[]; readonly group: string }[];
  readonly downstream: readonly { readonly key: readonly string[]; readonly group: string }[];
  readonly counts: Readonly<Record<string, number>>;
}

export interface ChangesPageDeps {
  readonly kind: UpstreamName;
  get(change: number): DeploymentRecord | undefined;
  result(change: number): { readonly impact: ShownImpact; readonly stale?: string } | undefined;
  link(change: number): string;
  identify(req: IncomingMessage): Promise<AuthenticatedIdentity | undefined>;
  readonly decider: Decider;
}

export function changesRouter(deps: ChangesPageDeps): express.Router {
  const router = express.Router();
  router.get('/api/changes/:change/assets', async (req, res) => {
    const found = await visible(deps, req, res);
    if (found !== undefined) res.set('cache-control', 'no-store').json(found);
  });
  router.get('/changes/:change/assets', async (req, res) => {
    const found = await visible(deps, req, res);
    if (found !== undefined) sendPage(res, 200, `Asset changes of change ${found.change}`, page(found, deps.link(found.change)));
  });
  return router;
}

interface Found {
  readonly change: number;
  readonly patchset: number;
  readonly status: 'current' | 'stale' | 'pending';
  readonly reason?: string;
  readonly impact: ShownImpact | null;
}

async function visible(deps: ChangesPageDeps, req: Request, res: Response): Promise<Found | undefined> {
  const viewer = await pageViewer(deps, req, res);
  if (viewer === undefined) return undefined;
  const raw = String(req.params['change'] ?? '');
  if (!/^[1-9][0-9]{0,9}$/.test(raw)) return sendPageError(res, new ChangegateError('bad_path', 'expected a change number'));
  const change = Number(raw);
  const record = deps.get(change);
  // Not found and not visible answer alike, so the page does not tell which changes exist.
  if (record === undefined || !viewer.maySee(record)) return sendPageError(res, new ChangegateError('not_found', `change ${change} has no branch deployment you can see`));
  const c = record.change;
  const result = deps.result(change);
  if (result === undefined) return { change, patchset: c.patchset, status: 'pending', reason: 'not computed yet: it is computed once the branch deployment is ready', impact: null };
  return { change, patchset: c.patchset, status: result.stale === undefined ? 'current' : 'stale', ...(result.stale === undefined ? {} : { reason: result.stale }), impact: result.impact };
}

function page(f: Found, link: string): string {
  const head = `<p>Patch set ${f.patchset} · <a href="${escapeHtml(link)}">branch deployment</a> · ${escapeHtml(f.status)}${f.reason === undefined ? '' : ` (${escapeHtml(f.reason)})`}</p>`;
  if (f.impact === null) return head;
  const i = f.impact;
  const counts = Object.entries(i.counts).filter(([, n]) => n > 0).map(([r, n]) => `${n} ${escapeHtml(r)}`).join(', ');
  const key = (k: readonly string[]): string => escapeHtml(k.join('/'));
  const assetLink = (k: readonly string[]): string => `${link.replace(/\/$/, '')}/assets/${k.map(encodeURIComponent).join('/')}`;
  const rows = i.assets.map((a) => `<tr><td><a href="${escapeHtml(assetLink(a.key))}">${key(a.key)}</a></td><td>${a.reasons.map(escapeHtml).join(', ')}</td><td>${escapeHtml(a.group)}</td><td>${a.owners.map(escapeHtml).join(', ')}</td></tr>`).join('');
  const changed = i.assets.length === 0 ? '<p>No asset changes.</p>' : `<p>${counts}</p><table><tr><th>Asset</th><th>Changed</th><th>Group</th><th>Owners</th></tr>${rows}</table>`;
  const down = i.downstream.length === 0 ? '' : `<h2>Downstream</h2><ul>${i.downstream.map((a) => `<li>${key(a.key)}</li>`).join('')}</ul>`;
  return `${head}<p>Computed for ${escapeHtml(i.computedFor.gitSha.slice(0, 12))} (patch set ${i.computedFor.patchset}).</p>${changed}${down}`;
}
