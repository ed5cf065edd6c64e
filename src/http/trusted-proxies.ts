// The `trustedProxies` CIDR list, compiled once at config load. Only a peer inside one of these
// ranges may tell us who the client is (X-Forwarded-*, X-Request-Id); everyone else is the
// client. An empty list (the default) trusts no one and costs nothing per request.
//
// IPv4 ranges also match IPv4-mapped IPv6 peers (`::ffff:10.0.0.1` is in `10.0.0.0/8`), because
// a dual-stack listener reports IPv4 clients that way. An IPv6 range written with a mapped
// prefix (`::ffff:10.0.0.0/104`) is the same range.

import { parseIp, type IpWords } from './ip.js';

interface Range {
  readonly base: IpWords;
  readonly mask: IpWords;
}

export class TrustedProxies {
  readonly #ranges: readonly Range[];
  readonly #seen = new Map<string, boolean>();

  private constructor(ranges: readonly Range[]) {
    this.#ranges = ranges;
  }

  /** Compiles CIDRs (`10.0.0.0/8`, `fd00::/8`) and bare addresses; throws TypeError on a bad one. */
  static parse(cidrs: readonly string[]): TrustedProxies {
    return new TrustedProxies(cidrs.map(parseRange));
  }

  static readonly none: TrustedProxies = new TrustedProxies([]);

  get empty(): boolean {
    return this.#ranges.length === 0;
  }

  /** Whether an address literal (any spelling) lies in a trusted range. Non-addresses are not. */
  contains(address: string | undefined): boolean {
    if (this.#ranges.length === 0 || address === undefined) return false;
    const hit = this.#seen.get(address);
    if (hit !== undefined) return hit;
    const ip = parseIp(address);
    const result = ip !== undefined && this.containsParsed(ip);
    // Keep-alive clients and load balancers repeat addresses; bounded so a scan cannot grow it.
    if (this.#seen.size >= 1024) this.#seen.clear();
    this.#seen.set(address, result);
    return result;
  }

  containsParsed(ip: IpWords): boolean {
    for (const r of this.#ranges) {
      if (
        ((ip[0] & r.mask[0]) >>> 0) === r.base[0] &&
        ((ip[1] & r.mask[1]) >>> 0) === r.base[1] &&
        ((ip[2] & r.mask[2]) >>> 0) === r.base[2] &&
        ((ip[3] & r.mask[3]) >>> 0) === r.base[3]
      ) {
        return true;
      }
    }
    return false;
  }
}

function parseRange(cidr: string): Range {
  const slash = cidr.indexOf('/');
  const addr = slash < 0 ? cidr : cidr.slice(0, slash);
  const ip = parseIp(addr);
  if (ip === undefined) throw new TypeError(`trustedProxies: "${cidr}" is not an IP address or CIDR`);
  const isV4Literal = addr.indexOf(':') < 0;
  const maxBits = isV4Literal ? 32 : 128;
  const bitsText = slash < 0 ? String(maxBits) : cidr.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bitsText) || Number(bitsText) > maxBits) {
    throw new TypeError(`trustedProxies: "${cidr}" has an invalid prefix length`);
  }
  // IPv4 ranges live in the mapped block, so their prefix is 96 bits longer.
  const bits = Number(bitsText) + (isV4Literal ? 96 : 0);
  const mask = maskOf(bits);
  const base: IpWords = [
    (ip[0] & mask[0]) >>> 0,
    (ip[1] & mask[1]) >>> 0,
    (ip[2] & mask[2]) >>> 0,
    (ip[3] & mask[3]) >>> 0,
  ];
  return { base, mask };
}

function maskOf(bits: number): IpWords {
  const word = (i: number): number => {
    const b = Math.max(0, Math.min(32, bits - i * 32));
    return b === 0 ? 0 : (0xffffffff << (32 - b)) >>> 0;
  };
  return [word(0), word(1), word(2), word(3)];
}
