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
  return new PushHeadParser().parse(buf, ended);
}

/**
 * The same parse, resumable: call `parse` again each time more of the body has arrived, with the
 * whole body so far (the earlier bytes unchanged). It carries on from the last complete
 * pkt-line, so a head sent a few bytes at a time costs what it costs in one piece.
 */
export class PushHeadParser {
  readonly #commands: PushCommand[] = [];
  readonly #certOptions: string[] = [];
  readonly #pushOptions: string[] = [];
  #capabilities: string[] = [];
  #shallow = 0;
  #cert: CertState = 'none';
  #first = true;
  #section: 'commands' | 'options' | 'pack' = 'commands';
  #offset = 0;

  parse(buf: Buffer, ended: boolean): PushHead | undefined {
    if (this.#section === 'commands') {
      if (!this.#readToFlush(buf, (line) => this.#commandLine(line))) return needMore(ended, 'the command list is truncated');
      if (this.#cert === 'header' || this.#cert === 'signature') throw malformed('the push certificate is not complete');
      this.#section = this.#commands.length > 0 && this.#capabilities.includes('push-options') ? 'options' : 'pack';
    }
    if (this.#commands.length === 0) return emptyList(buf, this.#offset, ended, this.#shallow);
    if (this.#section === 'options') {
      if (!this.#readToFlush(buf, (option) => this.#pushOptions.push(option))) return needMore(ended, 'the push options are truncated');
      this.#section = 'pack';
    }
    const tail = packStart(buf, this.#offset, ended);
    if (tail === undefined) return undefined;
    return {
      commands: this.#commands,
      capabilities: this.#capabilities,
      pushOptions: [...this.#certOptions, ...this.#pushOptions],
      shallow: this.#shallow,
      signed: this.#cert !== 'none',
      length: this.#offset,
      hasPack: tail,
    };
  }

  /** Reads pkt-lines into `line` up to a flush; true once the flush has been read. */
  #readToFlush(buf: Buffer, line: (text: string) => void): boolean {
    for (;;) {
      const pkt = readPkt(buf, this.#offset);
      if (pkt === undefined) return false;
      this.#offset = pkt.end;
      if (pkt.kind === 'flush') return true;
      line(pktText(pkt.payload));
    }
  }

  #commandLine(line: string): void {
    if (this.#first && line.startsWith('push-cert\0')) {
      this.#capabilities = splitCaps(line.slice('push-cert\0'.length));
      this.#cert = 'header';
      this.#first = false;
      return;
    }
    if (this.#cert === 'header' || this.#cert === 'signature') {
      this.#cert = certLine(this.#cert, line, this.#certOptions);
      return;
    }
    if (line === 'push-cert-end' && this.#cert === 'commands') throw malformed('push certificate has no signature');
    if (line === '-----BEGIN PGP SIGNATURE-----' || line.startsWith('-----BEGIN ')) {
      if (this.#cert !== 'commands') throw malformed('a signature outside a push certificate');
      this.#cert = 'signature';
      return;
    }
    if (SHALLOW.test(line) && this.#commands.length === 0 && this.#cert === 'none') {
      this.#shallow++;
      return;
    }
    const nul = line.indexOf('\0');
    if (nul >= 0) {
      if (!this.#first) throw malformed('capabilities on a command other than the first');
      this.#capabilities = splitCaps(line.slice(nul + 1));
    }
    this.#commands.push(parseCommand(nul >= 0 ? line.slice(0, nul) : line));
    this.#first = false;
  }

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
