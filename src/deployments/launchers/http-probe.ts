// One readiness probe: does GET `url` answer 200 within `timeoutMs`? Each probe has its own
// deadline and its own connection (no keep-alive pool to outlive the webserver); the body is
// never read, so a hostile or broken server cannot make us buffer anything.

import { request } from 'node:http';

export type Probe = (url: string, timeoutMs: number) => Promise<boolean>;

export const probeHttp: Probe = (url, timeoutMs) =>
  new Promise((resolve) => {
    const req = request(url, { method: 'GET', agent: false, timeout: timeoutMs, headers: { accept: 'application/json' } }, (res) => {
      resolve(res.statusCode === 200);
      res.destroy();
    });
    const timer = setTimeout(() => req.destroy(), timeoutMs);
    timer.unref();
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
    req.once('close', () => {
      clearTimeout(timer);
      resolve(false);
    });
    req.end();
  });
