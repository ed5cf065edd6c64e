// The few HTML pages the proxy serves itself. Plain server-rendered HTML with no script, so the
// CSP can forbid scripts entirely. Every interpolated value goes through escapeHtml.

import type { Response } from 'express';

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3rem;text-align:left}
code,pre{background:#f4f4f4;padding:.1rem .3rem;word-break:break-all}form.inline{display:inline}label{display:block;margin:.4rem 0}`;

/** `body` must already be escaped HTML. */
export function renderPage(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(title)} · Changegate</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

export function sendPage(res: Response, status: number, title: string, body: string): void {
  res.status(status).set({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).send(renderPage(title, body));
}

/** A sign-in problem: what happened, in words, and a way to start again. Never a stack trace. */
export function sendSignInError(res: Response, status: number, what: string, retryPath: string): void {
  const retry = `/.changegate/login?rd=${encodeURIComponent(retryPath)}`;
  sendPage(res, status, 'Sign-in did not complete', `<p>${escapeHtml(what)}</p><p><a href="${escapeHtml(retry)}">Sign in again</a></p>`);
}
