// A git-style push of a large body: a receive-pack request (one command to refs/for/main, the
// flush, then PACK and filler up to the size) sent chunked, as git does once a pack outgrows
// http.postBuffer, honouring backpressure. Bounded by a timeout.

import http from 'node:http';

export interface PushOptions {
  readonly url: string;
  readonly bytes: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

export interface PushResult {
  readonly status: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly mibPerSecond: number;
}

const CHUNK = 1024 * 1024;

function pkt(payload: string): string {
  return (Buffer.byteLength(payload) + 4).toString(16).padStart(4, '0') + payload;
}

/** The command list and PACK header; the rest of the body is filler the stand-in discards. */
export function pushHead(): Buffer {
  const command = `${'0'.repeat(40)} ${'1'.repeat(40)} refs/for/main\0 report-status side-band-64k agent=git/2.39\n`;
  return Buffer.concat([Buffer.from(pkt(command) + '0000', 'latin1'), Buffer.from('PACK\0\0\0\x02\0\0\0\x01', 'latin1')]);
}

export function push(options: PushOptions): Promise<PushResult> {
  return new Promise((resolve, reject) => {
    const url = new URL(options.url);
    const started = performance.now();
    const req = http.request({
      method: 'POST',
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      headers: { 'content-type': 'application/x-git-receive-pack-request', accept: 'application/x-git-receive-pack-result', ...options.headers },
    });
    const timer = setTimeout(() => req.destroy(new Error(`push did not finish within ${options.timeoutMs} ms`)), options.timeoutMs);
    req.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.once('response', (res) => {
      res.resume();
      res.once('end', () => {
        clearTimeout(timer);
        // An early answer (a refusal) leaves the rest of the body unsent: stop sending it.
        if (left > 0) req.destroy();
        const seconds = (performance.now() - started) / 1000;
        resolve({ status: res.statusCode ?? 0, bytes: options.bytes, seconds, mibPerSecond: options.bytes / (1024 * 1024) / seconds });
      });
    });
    const filler = Buffer.alloc(CHUNK, 0x5a);
    const head = pushHead();
    let left = options.bytes - head.length;
    req.write(head);
    const pump = (): void => {
      while (left > 0) {
        const n = Math.min(CHUNK, left);
        left -= n;
        if (!req.write(n === CHUNK ? filler : filler.subarray(0, n))) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}
