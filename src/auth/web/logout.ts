// Sign-out. GET shows a confirmation form; POST (with the session's CSRF token) deletes every
// cookie of ours, all chunks included, and hands the browser to the IdP's end_session_endpoint
// when it has one (RP-initiated logout), which returns it to publicUrl. A cross-site page cannot
// sign anyone out: without the token the POST is refused and the session stays.

import express from 'express';
import type { Router } from 'express';
import { CSRF_FIELD, CSRF_HEADER, csrfToken, verifyCsrf } from '../csrf.js';
import { clearOwnCookies } from '../session/cookies.js';
import { currentSession, sentCookies } from './context.js';
import type { AuthRoutesContext } from './context.js';
import { escapeHtml, sendPage } from './html.js';

function signedOutPage(): string {
  return '<p>You are signed out of Changegate.</p><p><a href="/.changegate/login?rd=%2F">Sign in</a></p>';
}

export function mountLogout(router: Router, ctx: AuthRoutesContext): void {
  router.get('/logout', async (req, res) => {
    const session = await currentSession(ctx, req, res);
    if (session === undefined) return sendPage(res, 200, 'Signed out', signedOutPage());
    const token = csrfToken(ctx.codec.keyring, session.sid);
    sendPage(
      res,
      200,
      'Sign out',
      `<p>Signed in as <strong>${escapeHtml(session.usr)}</strong>.</p>
<form method="post" action="/.changegate/logout"><input type="hidden" name="${CSRF_FIELD}" value="${escapeHtml(token)}">
<button type="submit">Sign out</button></form>`,
    );
  });

  router.post('/logout', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    const session = await currentSession(ctx, req, res);
    const clears = clearOwnCookies(sentCookies(req), ctx.secure);
    if (session === undefined) {
      // Nothing to protect: clearing leftovers of a dead session is harmless.
      if (clears.length > 0) res.append('set-cookie', clears);
      return sendPage(res, 200, 'Signed out', signedOutPage());
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const presented = body[CSRF_FIELD] ?? req.get(CSRF_HEADER);
    if (!verifyCsrf(ctx.codec.keyring, session.sid, presented)) {
      return sendPage(res, 403, 'Sign-out refused', '<p>The sign-out form was missing its security token or it did not match your session. Use the <a href="/.changegate/logout">sign-out page</a>.</p>');
    }
    // Any refreshed cookie appended above is superseded: the clears come last and win.
    res.removeHeader('set-cookie');
    res.append('set-cookie', clears);
    ctx.onEvent?.({ event: 'signout', subject: session.sub });
    let endSession: URL | undefined;
    try {
      endSession = await ctx.oidc?.endSessionUrl(`${new URL(ctx.publicUrl).origin}/`, session.idt);
    } catch {
      endSession = undefined;
    }
    if (endSession === undefined) return sendPage(res, 200, 'Signed out', signedOutPage());
    res.set('cache-control', 'no-store').redirect(303, endSession.href);
  });
}
