// A small cookie jar and a headless sign-in through the dev IdP's forms, following redirects by
// hand. Like a browser, cookies are scoped by host (not port) and path.

import { request as httpRequest } from 'node:http';

export interface StoredCookie {
  readonly name: string;
  readonly value: string;
  readonly path: string;
  readonly host: string;
}

export class Jar {
  readonly cookies = new Map<string, StoredCookie>();

  set(name: string, value: string, host = '127.0.0.1', path = '/'): void {
    this.cookies.set(`${host}|${path}|${name}`, { name, value, path, host });
  }

  store(url: URL, setCookies: readonly string[]): void {
    for (const line of setCookies) {
      const [pair = '', ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      let path = '/';
      let remove = false;
      for (const a of attrs) {
        const [k = '', v = ''] = a.split('=');
        if (k.toLowerCase() === 'path') path = v;
        if (k.toLowerCase() === 'max-age' && Number(v) <= 0) remove = true;
        if (k.toLowerCase() === 'expires' && Date.parse(v) < Date.now()) remove = true;
      }
      const key = `${url.hostname}|${path}|${name}`;
      if (remove) this.cookies.delete(key);
      else this.cookies.set(key, { name, value, path, host: url.hostname });
    }
  }

  header(url: URL): string | undefined {
    const matching = [...this.cookies.values()].filter(
      (c) => c.host === url.hostname && (url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`)),
    );
    return matching.length === 0 ? undefined : matching.map((c) => `${c.name}=${c.value}`).join('; ');
  }

  names(): string[] {
    return [...this.cookies.values()].map((c) => c.name);
  }

  value(name: string): string | undefined {
    return [...this.cookies.values()].find((c) => c.name === name)?.value;
  }
}

export interface Step {
  readonly url: URL;
  readonly status: number;
  readonly location?: string;
  readonly body: string;
  readonly headers: Headers;
}

/** One request with node:http (fetch would force `sec-fetch-mode: cors`; a browser navigating sends `navigate`). */
export function request(jar: Jar, url: URL, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Step> {
  const headers: Record<string, string> = { accept: 'text/html', 'sec-fetch-mode': 'navigate', ...init.headers };
  const cookie = jar.header(url);
  if (cookie !== undefined) headers['cookie'] = cookie;
  if (init.body !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
  if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: init.method ?? 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const h = new Headers();
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) h.append(res.rawHeaders[i] ?? '', res.rawHeaders[i + 1] ?? '');
        jar.store(url, h.getSetCookie());
        const location = h.get('location') ?? undefined;
        resolve({ url, status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: h, ...(location === undefined ? {} : { location }) });
      });
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Follows redirects (bounded) from `start`, answering the IdP's login and consent forms. */
export async function browse(jar: Jar, start: URL, username?: string): Promise<Step[]> {
  const steps: Step[] = [];
  let next: { url: URL; method?: string; body?: string } | undefined = { url: start };
  for (let i = 0; i < 25 && next !== undefined; i++) {
    const step = await request(jar, next.url, next);
    steps.push(step);
    next = undefined;
    if (step.location !== undefined && step.status >= 300 && step.status < 400) {
      next = { url: new URL(step.location, step.url) };
    } else if (step.status === 200 && step.url.pathname.startsWith('/interaction/')) {
      if (step.body.includes('name="login"')) {
        if (username === undefined) break;
        next = { url: step.url, method: 'POST', body: new URLSearchParams({ prompt: 'login', login: username, password: 'any' }).toString() };
      } else if (step.body.includes('value="consent"')) {
        next = { url: step.url, method: 'POST', body: 'prompt=consent' };
      }
    }
  }
  return steps;
}

export function last<T>(items: readonly T[]): T {
  const item = items[items.length - 1];
  if (item === undefined) throw new Error('no steps');
  return item;
}
