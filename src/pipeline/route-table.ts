// Which upstream instance a request belongs to. Routes are matched on the normalized path (and
// Host when configured); host-specific routes first, then the longest matching prefix, so
// `/dagster` beats `/` whatever the order in the file.
//
// The table changes while serving: `add` puts an instance in, `remove` takes it out. A removed
// instance takes no new request from that moment, while the requests (and WebSocket tunnels)
// it already has run to their end; `remove` resolves, and the instance is closed, after the
// last of them. Requests hold their instance from the match on (`enter`), so a removal between
// match and forward cannot strand one.

import type { UpstreamConfig } from '../config/schema.js';
import type { Upstream, UpstreamRoute } from './types.js';

/** The route of an `upstreams.<kind>` config entry. */
export function routeFromConfig(config: UpstreamConfig): UpstreamRoute {
  return {
    target: new URL(config.url),
    host: config.host?.toLowerCase(),
    prefix: config.pathPrefix === '/' ? '' : config.pathPrefix.replace(/\/+$/, ''),
    timeoutMs: config.timeoutMs,
  };
}

interface Entry {
  readonly upstream: Upstream;
  inFlight: number;
  /** Set once removed: called when inFlight reaches 0. */
  drained?: () => void;
}

export class RouteTable {
  #entries: readonly Entry[] = [];
  readonly #byUpstream = new Map<Upstream, Entry>();
  /** Grows only: a cookie once known as some upstream's session stays dropped after its removal. */
  readonly #sessionCookies = new Set<string>();

  constructor(upstreams: readonly Upstream[] = []) {
    for (const u of upstreams) this.add(u);
  }

  /** Every instance currently routed to, in match order. */
  list(): readonly Upstream[] {
    return this.#entries.map((e) => e.upstream);
  }

  add(upstream: Upstream): void {
    if (this.#entries.some((e) => e.upstream.name === upstream.name)) throw new Error(`an upstream named ${upstream.name} is already routed to`);
    const entry: Entry = { upstream, inFlight: 0 };
    this.#byUpstream.set(upstream, entry);
    for (const name of upstream.stamping.sessionCookies ?? []) this.#sessionCookies.add(name);
    this.#set([...this.#entries, entry]);
  }

  /**
   * Puts `upstream` in the place of the instance named `replaces` in one step, so no request
   * falls between them; the old one finishes what it has and is closed, as with `remove`.
   * Without an instance of that name it is an `add`.
   */
  async replace(replaces: string, upstream: Upstream): Promise<void> {
    const old = this.#entries.find((e) => e.upstream.name === replaces);
    if (old === undefined || replaces === upstream.name) {
      if (old !== undefined) throw new Error(`${upstream.name} cannot replace itself`);
      return this.add(upstream);
    }
    if (this.#entries.some((e) => e.upstream.name === upstream.name)) throw new Error(`an upstream named ${upstream.name} is already routed to`);
    const entry: Entry = { upstream, inFlight: 0 };
    this.#byUpstream.set(upstream, entry);
    for (const name of upstream.stamping.sessionCookies ?? []) this.#sessionCookies.add(name);
    this.#set([...this.#entries.filter((e) => e !== old), entry]);
    await this.#drain(old);
  }

  /**
   * Stops routing to the named instance at once; resolves once its in-flight requests have
   * finished and it is closed. Resolves at once for a name not in the table.
   */
  async remove(name: string): Promise<void> {
    const entry = this.#entries.find((e) => e.upstream.name === name);
    if (entry === undefined) return;
    this.#set(this.#entries.filter((e) => e !== entry));
    await this.#drain(entry);
  }

  async #drain(entry: Entry): Promise<void> {
    if (entry.inFlight > 0) await new Promise<void>((resolve) => (entry.drained = resolve));
    this.#byUpstream.delete(entry.upstream);
    await entry.upstream.close?.();
  }

  match(host: string, path: string): Upstream | undefined {
    const hostname = stripPort(host).toLowerCase();
    for (const { upstream } of this.#entries) {
      const route = upstream.route;
      if (route.host !== undefined && route.host !== hostname) continue;
      if (route.prefix === '' || path === route.prefix || path.startsWith(route.prefix + '/') || path.startsWith(route.prefix + '?')) {
        return upstream;
      }
    }
    return undefined;
  }

  /** Counts a request against its instance until the returned function is called (once). */
  enter(upstream: Upstream): () => void {
    const entry = this.#byUpstream.get(upstream);
    if (entry === undefined) throw new Error(`${upstream.name} is not in the route table`);
    entry.inFlight += 1;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      entry.inFlight -= 1;
      if (entry.inFlight === 0) entry.drained?.();
    };
  }

  /** Whether `name` is the session cookie of any routed upstream (never forwarded, never passed back). */
  isSessionCookie(name: string): boolean {
    return this.#sessionCookies.has(name);
  }

  #set(entries: Entry[]): void {
    // Host-specific routes first, then longer prefixes first.
    this.#entries = entries.sort(
      (a, b) => Number(b.upstream.route.host !== undefined) - Number(a.upstream.route.host !== undefined) || b.upstream.route.prefix.length - a.upstream.route.prefix.length,
    );
  }
}

function stripPort(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end === -1 ? host : host.slice(0, end + 1);
  }
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}
