// Builtins that would reach outside the evaluation. Policies behind the proxy make no network
// calls: http.send is always undefined, net.lookup_ip_addr answers only for an IP literal
// (itself), never by asking DNS, and opa.runtime describes no OPA process.
import { isIP } from 'node:net';
import type { HostBuiltins } from './index.js';
import { str } from './values.js';

export const offlineBuiltins: HostBuiltins = {
  'http.send': () => undefined,
  'net.lookup_ip_addr': (name) => (isIP(str(name)) === 0 ? undefined : [str(name)]),
  'opa.runtime': () => ({}),
};
