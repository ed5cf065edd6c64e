// The head of a receive-pack request: shallow lines, the command list (or a signed push-cert
// block carrying it), the push-options section, then PACK. Parsed from a growing buffer of the
// decompressed body; returns `undefined` until the whole head has arrived. The parser accepts
// commands wherever receive-pack would, so no command can hide from it.

import { malformed, pktText, readPkt } from './pkt-line.js';

export interface PushCommand {
  readonly oldId: string;
  readonly newId: string;
  readonly ref: string;
}

export interface PushHead {
  readonly commands: readonly PushCommand[];
  readonly capabilities: readonly string[];
  readonly pushOptions: readonly string[];
  readonly shallow: number;
  readonly signed: boolean;
  /** Decompressed bytes up to and excluding the pack. */
  readonly length: number;
  readonly hasPack: boolean;
}

const OID = '(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})';
const COMMAND = new RegExp(`^(${OID}) (${OID}) (.+)$`, 's');
const SHALLOW = new RegExp(`^shallow ${OID}$`);
const CERT_HEADER = /^(certificate version |pusher |pushee |nonce )/;
const PACK = Buffer.from('PACK');

type CertState = 'none' | 'header' | 'commands' | 'signature' | 'done';

/** Parses the head; `ended` says the body has no more bytes. Throws on anything malformed. */
export function parsePushHead(buf: Buffer, ended: boolean): PushHead | undefined {
  const commands: PushCommand[] = [];
  const certOptions: string[] = [];
  let capabilities: string[] = [];
  let shallow = 0;
  let cert: CertState = 'none';
  let offset = 0;
  let first = true;
  for (;;) {
    const pkt = readPkt(buf, offset);
    if (pkt === undefined) return needMore(ended, 'the command list is truncated');
    offset = pkt.end;
    if (pkt.kind === 'flush') break;
    const raw = pkt.payload;
    const line = pktText(raw);
    if (first && line.startsWith('push-cert\0')) {
      capabilities = splitCaps(line.slice('push-cert\0'.length));
      cert = 'header';
      first = false;
      continue;
    }
    if (cert === 'header' || cert === 'signature') {
      cert = certLine(cert, line, certOptions);
      continue;
    }
    if (line === 'push-cert-end' && cert === 'commands') throw malformed('push certificate has no signature');
    if (line === '-----BEGIN PGP SIGNATURE-----' || line.startsWith('-----BEGIN ')) {
      if (cert !== 'commands') throw malformed('a signature outside a push certificate');
      cert = 'signature';
      continue;
    }
    if (SHALLOW.test(line) && commands.length === 0 && cert === 'none') {
      shallow++;
      continue;
    }
    const nul = line.indexOf('\0');
    if (nul >= 0) {
      if (!first) throw malformed('capabilities on a command other than the first');
      capabilities = splitCaps(line.slice(nul + 1));
    }
    commands.push(parseCommand(nul >= 0 ? line.slice(0, nul) : line));
    first = false;
  }
  if (cert === 'header' || cert === 'signature') throw malformed('the push certificate is not complete');
  if (commands.length === 0) return emptyList(buf, offset, ended, shallow);
  let pushOptions: string[] = [];
  if (capabilities.includes('push-options')) {
    const options = readOptions(buf, offset, ended);
    if (options === undefined) return undefined;
    pushOptions = options.values;
    offset = options.offset;
  }
  const tail = packStart(buf, offset, ended);
  if (tail === undefined) return undefined;
  return {
    commands,
    capabilities,
    pushOptions: [...certOptions, ...pushOptions],
    shallow,
    signed: cert !== 'none',
    length: offset,
    hasPack: tail,
  };
}

function certLine(state: CertState, line: string, options: string[]): CertState {
  if (state === 'signature') return line === 'push-cert-end' ? 'done' : 'signature';
  if (line === '') return 'commands';
  if (line.startsWith('push-option ')) {
    options.push(line.slice('push-option '.length));
    return 'header';
  }
  if (CERT_HEADER.test(line)) return 'header';
  throw malformed('unexpected line in the push certificate header');
}

function parseCommand(line: string): PushCommand {
  const m = COMMAND.exec(line);
  if (m === null) throw malformed('a command is not "<old-id> <new-id> <ref>"');
  const [, oldId = '', newId = '', ref = ''] = m;
  if (ref.includes('\0') || ref.includes('\n')) throw malformed('a ref name holds a control character');
  return { oldId: oldId.toLowerCase(), newId: newId.toLowerCase(), ref };
}

function readOptions(buf: Buffer, start: number, ended: boolean): { values: string[]; offset: number } | undefined {
  const values: string[] = [];
  let offset = start;
  for (;;) {
    const pkt = readPkt(buf, offset);
    if (pkt === undefined) return needMore(ended, 'the push options are truncated');
    offset = pkt.end;
    if (pkt.kind === 'flush') return { values, offset };
    values.push(pktText(pkt.payload).toString());
  }
}

/** True when a pack follows, false when the body ends here; undefined: wait for more. */
function packStart(buf: Buffer, offset: number, ended: boolean): boolean | undefined {
  const left = buf.length - offset;
  if (left === 0) return ended ? false : undefined;
  if (left < 4) return needMore(ended, 'the body ends inside the pack signature');
  if (!buf.subarray(offset, offset + 4).equals(PACK)) throw malformed('the command list is not followed by a pack');
  return true;
}

/** An empty command list is git's 4-byte probe; anything after it is not something we judged. */
function emptyList(buf: Buffer, offset: number, ended: boolean, shallow: number): PushHead | undefined {
  if (buf.length > offset) throw malformed('data follows an empty command list');
  if (!ended) return undefined;
  return { commands: [], capabilities: [], pushOptions: [], shallow, signed: false, length: offset, hasPack: false };
}

function needMore(ended: boolean, why: string): undefined {
  if (ended) throw malformed(why);
  return undefined;
}

function splitCaps(text: string): string[] {
  return text.split(' ').filter((c) => c !== '');
}
