// pkt-line framing (gitprotocol-common): four hex digits of length, then the payload. We read
// the framing exactly as receive-pack does; anything it would not accept is malformed here.

import { ChangegateError } from '../../../errors.js';

export const MAX_PKT_LEN = 65520;

export type Pkt =
  | { readonly kind: 'flush'; readonly end: number }
  | { readonly kind: 'data'; readonly payload: Buffer; readonly end: number };

/** The pkt-line at `offset`, or undefined when `buf` does not hold all of it yet. */
export function readPkt(buf: Buffer, offset: number): Pkt | undefined {
  if (buf.length - offset < 4) return undefined;
  const len = hexLength(buf, offset);
  if (len === 0) return { kind: 'flush', end: offset + 4 };
  if (len < 5) throw malformed(`pkt-line length ${len} is not allowed in a push`);
  if (len > MAX_PKT_LEN) throw malformed(`pkt-line length ${len} exceeds ${MAX_PKT_LEN}`);
  if (buf.length - offset < len) return undefined;
  return { kind: 'data', payload: buf.subarray(offset + 4, offset + len), end: offset + len };
}

/** A payload as text, without its optional trailing LF. */
export function pktText(payload: Buffer): string {
  const end = payload.length > 0 && payload[payload.length - 1] === 0x0a ? payload.length - 1 : payload.length;
  return payload.toString('utf8', 0, end);
}

export function malformed(why: string): ChangegateError {
  return new ChangegateError('bad_body', `malformed git push: ${why}`);
}

function hexLength(buf: Buffer, offset: number): number {
  const n = pktLength(buf, offset);
  if (n < 0) throw malformed('pkt-line length is not four hex digits');
  return n;
}

/**
 * The four hex digits of a pkt-line length at `offset`, or -1 when they are not four hex digits
 * (`parseInt` would also take a sign, spaces or fewer digits: `-008` would read as -8).
 */
export function pktLength(buf: Buffer, offset: number): number {
  let n = 0;
  for (let i = 0; i < 4; i++) {
    const c = buf[offset + i] ?? 0;
    const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
    if (d < 0) return -1;
    n = n * 16 + d;
  }
  return n;
}
