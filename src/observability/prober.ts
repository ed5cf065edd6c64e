// Upstream reachability for /healthz: a periodic TCP connect to each upstream with a timeout.
// Only a TCP connect, on purpose: it needs no credentials, sends nothing the upstream would log
// as a request, and answers the operator's question ("is anything listening?"). It is reported,
// never used for readiness: Gerrit being down must not take Dagster out of the load balancer.

import { connect } from 'node:net';

export interface UpstreamHealth {
  /** null until the first check finishes. */
  readonly reachable: boolean | null;
  readonly latencyMs: number | null;
  readonly checkedAt: string | null;
  readonly error?: string;
}

export interface ProberOptions {
  /** Upstream name -> base URL (http or https); a function when upstreams come and go while serving. */
  readonly targets: Readonly<Record<string, string>> | (() => Readonly<Record<string, string>>);
  readonly intervalMs?: number;
  readonly timeoutMs?: number;
}

function hostPort(url: string): { host: string; port: number } {
  const u = new URL(url);
  const port = u.port !== '' ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  return { host: u.hostname.replace(/^\[(.*)\]$/, '$1'), port };
}

/** One TCP connect; resolves with latency or an error code, never rejects. */
export function probeTcp(url: string, timeoutMs: number): Promise<UpstreamHealth> {
  const started = performance.now();
  const { host, port } = hostPort(url);
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (reachable: boolean, error?: string): void => {
      clearTimeout(timer);
      socket.destroy();
      const base = { reachable, latencyMs: Math.round((performance.now() - started) * 10) / 10, checkedAt: new Date().toISOString() };
      resolve(error === undefined ? base : { ...base, error });
    };
    const timer = setTimeout(() => finish(false, 'timeout'), timeoutMs);
    socket.once('connect', () => finish(true));
    socket.once('error', (e: NodeJS.ErrnoException) => finish(false, e.code ?? 'error'));
  });
}

export class UpstreamProber {
  readonly #targets: () => Readonly<Record<string, string>>;
  readonly #intervalMs: number;
  readonly #timeoutMs: number;
  readonly #state = new Map<string, UpstreamHealth>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(options: ProberOptions) {
    const targets = options.targets;
    this.#targets = typeof targets === 'function' ? targets : () => targets;
    this.#intervalMs = options.intervalMs ?? 10_000;
    this.#timeoutMs = options.timeoutMs ?? 2_000;
    this.#track(this.#targets());
  }

  /** Unchecked entries for new upstreams; none left for removed ones. */
  #track(targets: Readonly<Record<string, string>>): void {
    for (const name of this.#state.keys()) if (!(name in targets)) this.#state.delete(name);
    for (const name of Object.keys(targets)) {
      if (!this.#state.has(name)) this.#state.set(name, { reachable: null, latencyMs: null, checkedAt: null });
    }
  }

  /** Check every upstream once now (overlapping calls share one round). */
  checkNow(): Promise<void> {
    const targets = this.#targets();
    this.#track(targets);
    this.#running ??= Promise.all(
      Object.entries(targets).map(async ([name, url]) => {
        const health = await probeTcp(url, this.#timeoutMs);
        // An upstream removed while it was probed stays removed.
        if (this.#state.has(name)) this.#state.set(name, health);
      }),
    ).then(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  start(): void {
    if (this.#timer !== undefined) return;
    void this.checkNow();
    this.#timer = setInterval(() => void this.checkNow(), this.#intervalMs);
    // Health checks must never keep a shutting-down process alive.
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  snapshot(): Record<string, UpstreamHealth> {
    return Object.fromEntries(this.#state);
  }
}

/** Prober targets from the config's upstreams section. */
export function upstreamTargets(upstreams: Readonly<Record<string, { readonly url: string } | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, u] of Object.entries(upstreams)) if (u !== undefined) out[name] = u.url;
  return out;
}
