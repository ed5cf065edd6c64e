// uuid.parse: version, variant and, for time-based UUIDs, their fields (as Go's google/uuid reports them).
import type { HostBuiltins } from './index.js';
import { str, type Value } from './values.js';

function uuidBytes(s: string): Buffer {
  let t = s;
  if (/^urn:uuid:/i.test(t)) t = t.slice(9);
  if (t.startsWith('{') && t.endsWith('}')) t = t.slice(1, -1);
  if (/^[0-9a-fA-F]{32}$/.test(t)) return Buffer.from(t, 'hex');
  if (!/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(t)) throw new SyntaxError('invalid uuid');
  return Buffer.from(t.replaceAll('-', ''), 'hex');
}

function variant(b: number): string {
  if ((b & 0x80) === 0) return 'Reserved';
  if ((b & 0xc0) === 0x80) return 'RFC4122';
  if ((b & 0xe0) === 0xc0) return 'Microsoft';
  return 'Future';
}

const GREGORIAN_OFFSET_100NS = 122192928000000000n;

function uuidParse(s: unknown): Record<string, Value> {
  const u = uuidBytes(str(s));
  const version = (u[6] as number) >> 4;
  const out: Record<string, Value> = { version, variant: variant(u[8] as number) };
  if (version !== 1 && version !== 2) return out;
  const low = BigInt(u.readUInt32BE(0));
  const mid = BigInt(u.readUInt16BE(4));
  const hi = BigInt(u.readUInt16BE(6) & 0x0fff);
  const ts100 = (hi << 48n) | (mid << 32n) | low;
  out['time'] = Number((ts100 - GREGORIAN_OFFSET_100NS) * 100n);
  out['clocksequence'] = u.readUInt16BE(8) & 0x3fff;
  const node = [...u.subarray(10, 16)];
  out['nodeid'] = node.map((b) => b.toString(16).padStart(2, '0')).join('-');
  const first = node[0] as number;
  out['macvariables'] = `${first & 2 ? 'local' : 'global'}:${first & 1 ? 'multicast' : 'unicast'}`;
  if (version === 2) {
    out['domain'] = ['Person', 'Group', 'Org'][u[9] as number] ?? `Domain${u[9]}`;
    out['id'] = u.readUInt32BE(0);
  }
  return out;
}

export const uuidBuiltins: HostBuiltins = {
  'uuid.parse': uuidParse,
};
