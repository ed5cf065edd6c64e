// /.changegate/deployments (HTML) and /.changegate/api/deployments (JSON): every branch
// deployment the caller may see (policy action `deployment.view`, decided per deployment with
// the change in the resource), with its change, patch set, status, link, age and last error.

import express from 'express';
import type { IncomingMessage } from 'node:http';
import type { Request, Response } from 'express';
import { escapeHtml, sendPage } from '../auth/web/html.js';
import { ChangegateError } from '../errors.js';
import type { AuthenticatedIdentity } from '../identity/types.js';
import type { Decider, UpstreamName } from '../policy/types.js';
import { subjectInput } from '../pipeline/records.js';
import type { DeploymentRecord } from './registry.js';

export interface DeploymentsPageDeps {
  readonly kind: UpstreamName;
  list(): readonly DeploymentRecord[];
  link(change: number): string;
  identify(req: IncomingMessage): Promise<AuthenticatedIdentity | undefined>;
  readonly decider: Decider;
  readonly now: () => Date;
}

export interface DeploymentView {
  readonly change: number;
  readonly changeId: string;
  readonly project: string;
  readonly branch: string;
  readonly owner: string;
  readonly patchset: number;
  readonly gitSha: string;
  readonly status: DeploymentRecord['state']['status'];
  readonly link: string;
  /** Seconds since the deployment was first created. */
  readonly ageSeconds: number;
  readonly updatedAt: string;
  /** The patch set serving while a newer one starts or after it failed. */
  readonly servingPatchset?: number;
  readonly lastError?: string;
  readonly closedReason?: 'MERGED' | 'CLOSED';
}

export function deploymentsRouter(deps: DeploymentsPageDeps): express.Router {
  const router = express.Router();
  router.get('/api/deployments', async (req, res) => {
    const visible = await visibleTo(deps, req, res);
    if (visible !== undefined) res.set('cache-control', 'no-store').json({ deployments: visible });
  });
  router.get('/deployments', async (req, res) => {
    const visible = await visibleTo(deps, req, res);
    if (visible !== undefined) sendPage(res, 200, 'Branch deployments', table(visible));
  });
  return router;
}

async function visibleTo(deps: DeploymentsPageDeps, req: Request, res: Response): Promise<DeploymentView[] | undefined> {
  const viewer = await pageViewer(deps, req, res);
  if (viewer === undefined) return undefined;
  const now = deps.now().getTime();
  return deps
    .list()
    .filter((r) => viewer.maySee(r))
    .map((r) => view(r, deps.link(r.change.number), now));
}

/** Answers with the error and `cache-control: no-store`, as every one of our JSON errors. */
export function sendPageError(res: Response, e: ChangegateError): undefined {
  res.status(e.status).set('cache-control', 'no-store').json(e.toBody(String(res.getHeader('x-request-id') ?? '')));
  return undefined;
}

/**
 * The caller of a deployments page and which deployments they may see (policy action
 * `deployment.view`, the change in the resource); undefined, after a 401, for nobody.
 */
export async function pageViewer(
  deps: Pick<DeploymentsPageDeps, 'kind' | 'identify' | 'decider'>,
  req: Request,
  res: Response,
): Promise<{ maySee(record: DeploymentRecord): boolean } | undefined> {
  const identity = await deps.identify(req).catch(() => undefined);
  if (identity === undefined) return sendPageError(res, new ChangegateError('unauthenticated', 'sign in first (/.changegate/login) or present a token'));
  const subject = subjectInput(identity);
  const request = { method: 'GET', path: req.path, ip: req.socket.remoteAddress ?? '', requestId: String(res.getHeader('x-request-id') ?? '') };
  return {
    maySee: (r) =>
      deps.decider.decide({
        subject,
        action: 'deployment.view',
        resource: { upstream: deps.kind, deployment: { name: r.name, isBranchDeployment: true, branch: true, change: changeInput(r) } },
        request,
      }).allow,
  };
}

function changeInput(r: DeploymentRecord): Record<string, unknown> {
  const c = r.change;
  return { number: c.number, id: c.id, project: c.project, branch: c.branch, patchset: c.patchset, owner: c.owner, reviewers: c.reviewers, status: c.status };
}

export function view(r: DeploymentRecord, link: string, nowMs: number): DeploymentView {
  const s = r.state;
  const serving = s.status === 'closed' ? undefined : s.serving;
  return {
    change: r.change.number,
    changeId: r.change.id,
    project: r.change.project,
    branch: r.change.branch,
    owner: r.change.owner,
    patchset: r.change.patchset,
    gitSha: r.change.commit.sha,
    status: s.status,
    link,
    ageSeconds: Math.max(0, Math.round((nowMs - Date.parse(r.createdAt)) / 1000)),
    updatedAt: r.updatedAt,
    ...(serving !== undefined && serving.patchset !== r.change.patchset ? { servingPatchset: serving.patchset } : {}),
    ...(s.status === 'failed' ? { lastError: s.error } : {}),
    ...(s.status === 'closed' ? { closedReason: s.reason } : {}),
  };
}

function table(rows: readonly DeploymentView[]): string {
  if (rows.length === 0) return '<p>No branch deployments you can see.</p>';
  const head = '<tr><th>Change</th><th>Project</th><th>Patch set</th><th>Status</th><th>Age</th><th>Last error</th></tr>';
  const body = rows
    .map((r) => {
      const open = r.status !== 'closed';
      const change = open ? `<a href="${escapeHtml(r.link)}">${r.change}</a>` : String(r.change);
      const status = r.status === 'closed' ? `closed (${r.closedReason === 'MERGED' ? 'merged' : 'abandoned'})` : r.status;
      return `<tr><td>${change}</td><td>${escapeHtml(r.project)} → ${escapeHtml(r.branch)}</td><td>${r.patchset}${r.servingPatchset === undefined ? '' : ` (serving ${r.servingPatchset})`}</td><td>${escapeHtml(status)}</td><td>${age(r.ageSeconds)}</td><td>${escapeHtml(r.lastError?.slice(0, 300) ?? '')}</td></tr>`;
    })
    .join('');
  return `<table>${head}${body}</table>`;
}

function age(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} d`;
}
