// Rotated audit files. The active file keeps the configured name (log shippers and tests tail
// it); on rotation it is renamed to `<stem>.<YYYYMMDD>.<first seq, 12 digits><ext>`, which sorts
// by name in chain order, and a fresh active file starts where the chain left off.

import { readdirSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

export interface SegmentStart {
  readonly seq: number;
  /** ISO time of the file's first line. */
  readonly time: string;
}

function parts(activePath: string): { dir: string; stem: string; ext: string } {
  const ext = extname(activePath);
  return { dir: dirname(activePath), stem: basename(activePath, ext), ext };
}

/** The UTC day of an ISO time, as YYYYMMDD. */
export function dayOf(isoTime: string): string {
  return isoTime.slice(0, 10).replaceAll('-', '');
}

export function segmentPath(activePath: string, start: SegmentStart): string {
  const { dir, stem, ext } = parts(activePath);
  return join(dir, `${stem}.${dayOf(start.time)}.${String(start.seq).padStart(12, '0')}${ext}`);
}

/** Rotated files of this log, oldest first. */
export function listSegments(activePath: string): string[] {
  const { dir, stem, ext } = parts(activePath);
  const escaped = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^${escaped(stem)}\\.\\d{8}\\.\\d{12}${escaped(ext)}$`);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => pattern.test(n)).sort().map((n) => join(dir, n));
}

/** Every file of this log in chain order: the rotated ones, then the active one. */
export function logFiles(activePath: string): string[] {
  return [...listSegments(activePath), activePath];
}
