// IP address parsing into one 128-bit form (four 32-bit words), so IPv4, IPv6 and IPv4-mapped
// IPv6 (`::ffff:10.0.0.1`, which a dual-stack socket reports for IPv4 peers) compare alike.
// IPv4 is stored mapped: ::ffff:a.b.c.d. Zone ids (`fe80::1%eth0`) are refused: a zone is
// local to one host, so it never identifies a remote client.

export type IpWords = readonly [number, number, number, number];

const V4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Parses dotted-quad IPv4 (no leading zeros: `010.0.0.1` is ambiguous between parsers). */
export function parseIpv4(s: string): number | undefined {
  const m = V4.exec(s);
  if (m === null) return undefined;
  return ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
}

/** Parses an IPv4 or IPv6 literal into 128 bits, or undefined. */
export function parseIp(s: string): IpWords | undefined {
  if (s.indexOf(':') < 0) {
    const v4 = parseIpv4(s);
    return v4 === undefined ? undefined : [0, 0, 0xffff, v4];
  }
  return parseIpv6(s);
}

function parseIpv6(s: string): IpWords | undefined {
  if (s.length > 45) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const compressed = halves.length === 2;
  const head = parseGroups(halves[0]!, !compressed);
  const tail = compressed ? parseGroups(halves[1]!, true) : [];
  if (head === undefined || tail === undefined) return undefined;
  const n = head.length + tail.length;
  if (compressed ? n > 7 : n !== 8) return undefined;
  const g = [...head, ...new Array<number>(8 - n).fill(0), ...tail];
  return [
    ((g[0]! << 16) | g[1]!) >>> 0,
    ((g[2]! << 16) | g[3]!) >>> 0,
    ((g[4]! << 16) | g[5]!) >>> 0,
    ((g[6]! << 16) | g[7]!) >>> 0,
  ];
}

/** Colon-separated 16-bit groups; the last may be a dotted IPv4 (two groups). */
function parseGroups(text: string, mayEndWithV4: boolean): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const out: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (mayEndWithV4 && i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (v4 === undefined) return undefined;
      out.push(v4 >>> 16, v4 & 0xffff);
    } else if (HEX_GROUP.test(part)) {
      out.push(parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return out;
}

const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

/** True for ::ffff:a.b.c.d, i.e. an IPv4 address. */
export function isMappedV4(ip: IpWords): boolean {
  return ip[0] === 0 && ip[1] === 0 && ip[2] === 0xffff;
}

/** Canonical text: dotted IPv4 for IPv4 and mapped addresses, RFC 5952 compressed IPv6. */
export function formatIp(ip: IpWords): string {
  if (isMappedV4(ip)) {
    const v = ip[3];
    return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  }
  const g: number[] = [];
  for (const w of ip) g.push(w >>> 16, w & 0xffff);
  let bestStart = -1;
  let bestLen = 1; // RFC 5952: a single zero group is not compressed
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Canonical text of an address literal, or undefined when it is not one. */
export function canonicalIp(s: string): string | undefined {
  const ip = parseIp(s);
  return ip === undefined ? undefined : formatIp(ip);
}
