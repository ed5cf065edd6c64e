// GET /.changegate/tokens: a small page to mint, list and revoke personal access tokens, for a
// signed-in browser. Forms carry the session's CSRF token. A new token is shown once, on the page
// answering the POST; only its hash is kept.

import express from 'express';
import type { Request, Response, Router } from 'express';
import { isChangegateError } from '../../errors.js';
import type { OidcIdentity } from '../../identity/types.js';
import { CSRF_FIELD, csrfToken, verifyCsrf } from '../csrf.js';
import type { PatService } from '../pat/service.js';
import type { PatSummary } from '../pat/types.js';
import { currentSession } from './context.js';
import type { AuthRoutesContext } from './context.js';
import { escapeHtml, sendPage } from './html.js';

const EXPIRY_CHOICES: ReadonlyArray<readonly [string, number]> = [
  ['1 hour', 3600],
  ['8 hours', 8 * 3600],
  ['1 day', 24 * 3600],
  ['7 days', 7 * 24 * 3600],
  ['30 days', 30 * 24 * 3600],
];

const PAGE_PATH = '/.changegate/tokens';

function tokenRow(t: PatSummary, csrf: string): string {
  const revoke = t.state === 'active'
    ? `<form class="inline" method="post" action="${PAGE_PATH}/${encodeURIComponent(t.id)}/revoke"><input type="hidden" name="${CSRF_FIELD}" value="${escapeHtml(csrf)}"><button type="submit">Revoke</button></form>`
    : escapeHtml(t.revokedReason === 'change_closed' ? 'change closed' : t.state);
  const cells = [t.name, t.expiresAt, (t.roles ?? ['(all yours)']).join(', '), t.change === undefined ? '' : String(t.change), t.lastUsedAt ?? 'never'];
  return `<tr>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}<td>${revoke}</td></tr>`;
}

function mintForm(identity: OidcIdentity, csrf: string): string {
  const expiry = EXPIRY_CHOICES.map(([label, s]) => `<option value="${s}"${s === 8 * 3600 ? ' selected' : ''}>${label}</option>`).join('');
  const roles = identity.roles.map((r) => `<label><input type="checkbox" name="roles" value="${escapeHtml(r)}"> ${escapeHtml(r)}</label>`).join('');
  return `<h2>New token</h2><form method="post" action="${PAGE_PATH}"><input type="hidden" name="${CSRF_FIELD}" value="${escapeHtml(csrf)}">
<label>Name <input name="name" required maxlength="64"></label>
<label>Expires in <select name="expiresInSeconds">${expiry}</select></label>
<fieldset><legend>Limit to roles (none ticked: all of yours)</legend>${roles}</fieldset>
<label>Bind to Gerrit change number (optional) <input name="change" inputmode="numeric" pattern="[0-9]*"></label>
<button type="submit">Create token</button></form>`;
}

async function render(ctx: AuthRoutesContext, pats: PatService, res: Response, identity: OidcIdentity, sid: string, notice = '', status = 200): Promise<void> {
  const csrf = csrfToken(ctx.codec.keyring, sid);
  const rows = (await pats.list(identity)).map((t) => tokenRow(t, csrf)).join('');
  const table = rows === ''
    ? '<p>No tokens yet.</p>'
    : `<table><tr><th>Name</th><th>Expires</th><th>Roles</th><th>Change</th><th>Last used</th><th></th></tr>${rows}</table>`;
  sendPage(res, status, 'Access tokens', `${notice}<p>Signed in as <strong>${escapeHtml(identity.username)}</strong>. Use a token as the password for git over HTTP, or as <code>Authorization: Bearer</code>.</p>${table}${mintForm(identity, csrf)}`);
}

function formInt(v: unknown): number | undefined {
  return typeof v === 'string' && /^\d{1,12}$/.test(v) ? Number(v) : undefined;
}

export function mountTokensPage(router: Router, ctx: AuthRoutesContext, pats: PatService): void {
  const signedIn = async (req: Request, res: Response): Promise<{ identity: OidcIdentity; sid: string } | undefined> => {
    const session = await currentSession(ctx, req, res);
    if (session === undefined) {
      res.redirect(303, `/.changegate/login?rd=${encodeURIComponent(PAGE_PATH)}`);
      return undefined;
    }
    return { identity: ctx.sessions.identityOf(session), sid: session.sid };
  };
  const form = express.urlencoded({ extended: false, limit: '8kb' });
  const csrfOk = (req: Request, sid: string): boolean => verifyCsrf(ctx.codec.keyring, sid, (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD]);

  router.get('/tokens', async (req, res) => {
    const who = await signedIn(req, res);
    if (who !== undefined) await render(ctx, pats, res, who.identity, who.sid);
  });

  router.post('/tokens', form, async (req, res) => {
    const who = await signedIn(req, res);
    if (who === undefined) return;
    if (!csrfOk(req, who.sid)) return sendPage(res, 403, 'Refused', `<p>The form's security token is missing or wrong. <a href="${PAGE_PATH}">Back</a></p>`);
    const body = req.body as Record<string, unknown>;
    const roles = body['roles'] === undefined ? undefined : ([] as unknown[]).concat(body['roles']);
    try {
      const { token, summary } = await pats.mint(who.identity, {
        name: body['name'],
        expiresInSeconds: formInt(body['expiresInSeconds']),
        roles,
        change: body['change'] === '' || body['change'] === undefined ? undefined : formInt(body['change']) ?? -1,
      });
      ctx.onEvent?.({ event: 'token_minted', subject: who.identity.id, tokenId: summary.id });
      const notice = `<p><strong>New token "${escapeHtml(summary.name)}"</strong> (shown once; copy it now):</p><pre id="new-token">${escapeHtml(token)}</pre>
<p>git: user name <code>${escapeHtml(who.identity.username)}</code>, password: the token.</p>`;
      await render(ctx, pats, res, who.identity, who.sid, notice);
    } catch (e) {
      if (!isChangegateError(e)) throw e;
      await render(ctx, pats, res, who.identity, who.sid, `<p role="alert">Not created: ${escapeHtml(e.message)}</p>`, 400);
    }
  });

  router.post('/tokens/:id/revoke', form, async (req, res) => {
    const who = await signedIn(req, res);
    if (who === undefined) return;
    if (!csrfOk(req, who.sid)) return sendPage(res, 403, 'Refused', `<p>The form's security token is missing or wrong. <a href="${PAGE_PATH}">Back</a></p>`);
    const id = String(req.params['id']);
    if (await pats.revoke(who.identity, id)) ctx.onEvent?.({ event: 'token_revoked', subject: who.identity.id, tokenId: id });
    res.redirect(303, PAGE_PATH);
  });
}
