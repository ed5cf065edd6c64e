// A listen address from the config (`host:port`, `[v6]:port` or a bare port) as arguments for
// net.Server#listen. A bare port binds every interface, as Node does without a host.

export interface ListenTarget {
  /** Undefined for a bare port: all interfaces. */
  readonly host: string | undefined;
  readonly port: number;
}

export function parseListen(address: string): ListenTarget {
  const colon = address.lastIndexOf(':');
  const port = Number(address.slice(colon + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`invalid listen address ${JSON.stringify(address)}`);
  }
  if (colon < 0) return { host: undefined, port };
  const host = address.slice(0, colon);
  return { host: host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host, port };
}
