// Reads a bundle built by `opa build -t wasm`: a gzipped tar holding /policy.wasm and
// /data.json (and .manifest, ignored). Only regular files are read, with size bounds, so a
// hostile bundle cannot exhaust memory.

import { gunzipSync } from 'node:zlib';
import { ChangegateError } from '../errors.js';

export interface Bundle {
  readonly wasm: Uint8Array;
  readonly data: unknown;
}

const BLOCK = 512;
const MAX_UNCOMPRESSED = 256 * 1024 * 1024;

export function readBundle(gz: Uint8Array): Bundle {
  let tar: Buffer;
  try {
    tar = gunzipSync(gz, { maxOutputLength: MAX_UNCOMPRESSED });
  } catch (e) {
    throw new ChangegateError('policy_compile', `bundle is not a readable gzip file: ${(e as Error).message}`);
  }
  const files = readTar(tar);
  const wasm = files.get('policy.wasm');
  if (wasm === undefined) throw new ChangegateError('policy_compile', 'bundle has no /policy.wasm (build it with `opa build -t wasm`)');
  const dataText = files.get('data.json');
  let data: unknown = {};
  if (dataText !== undefined) {
    try {
      data = JSON.parse(dataText.toString('utf8'));
    } catch (e) {
      throw new ChangegateError('policy_compile', `bundle /data.json is not valid JSON: ${(e as Error).message}`);
    }
  }
  return { wasm, data };
}

/** Regular files of a ustar/GNU tar archive, keyed by path without a leading `/` or `./`. */
export function readTar(tar: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let offset = 0;
  let longName: string | undefined;
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break;
    const size = parseOctal(header.subarray(124, 136));
    const type = String.fromCharCode(header[156] ?? 0);
    const prefix = cString(header.subarray(345, 500));
    const rawName = longName ?? (prefix ? `${prefix}/${cString(header.subarray(0, 100))}` : cString(header.subarray(0, 100)));
    longName = undefined;
    const bodyStart = offset + BLOCK;
    const bodyEnd = bodyStart + size;
    if (bodyEnd > tar.length) throw new ChangegateError('policy_compile', 'bundle tar is truncated');
    const body = tar.subarray(bodyStart, bodyEnd);
    if (type === 'L') longName = cString(body);
    else if (type === '0' || type === '\0') files.set(rawName.replace(/^\.?\/+/, ''), Buffer.from(body));
    offset = bodyStart + Math.ceil(size / BLOCK) * BLOCK;
  }
  return files;
}

function parseOctal(field: Buffer): number {
  const text = cString(field).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new ChangegateError('policy_compile', 'bundle tar has a corrupt header');
  return parseInt(text, 8);
}

function cString(field: Buffer): string {
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString('utf8');
}
