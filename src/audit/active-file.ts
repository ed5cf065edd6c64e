// The file the sink appends to, and its rotation: once it reaches the size limit or the UTC day
// changes, it is renamed to its sortable segment name and a fresh file takes its place. The
// chain itself does not care: the first line of the new file links to the last of the old.

import { open, rename, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { dayOf, segmentPath, type SegmentStart } from './segments.js';

export interface RotationPolicy {
  /** 0 never rotates by size. */
  readonly maxBytes: number;
  readonly daily: boolean;
}

export class ActiveFile {
  readonly #path: string;
  readonly #rotatable: boolean;
  #handle: FileHandle;
  #size: number;
  #start: SegmentStart | undefined;

  private constructor(path: string, handle: FileHandle, size: number, start: SegmentStart | undefined, rotatable: boolean) {
    this.#path = path;
    this.#handle = handle;
    this.#size = size;
    this.#start = start;
    this.#rotatable = rotatable;
  }

  /** `rotatable` is false for a device or pipe (such as /dev/full): those are never renamed. */
  static async open(path: string, size: number, start: SegmentStart | undefined, rotatable: boolean): Promise<ActiveFile> {
    return new ActiveFile(path, await open(path, 'a', 0o640), size, start, rotatable);
  }

  /** Notes the first line written to a fresh file (its seq and time name the file on rotation). */
  noteLine(seq: number, time: string): void {
    this.#start ??= { seq, time };
  }

  /** Appends and makes durable. */
  async append(text: string): Promise<void> {
    await this.#handle.appendFile(text);
    await this.#handle.datasync();
    this.#size += Buffer.byteLength(text);
  }

  rotationDue(now: string, policy: RotationPolicy): boolean {
    const start = this.#start;
    if (!this.#rotatable || start === undefined) return false;
    return (policy.maxBytes > 0 && this.#size >= policy.maxBytes) || (policy.daily && dayOf(start.time) !== dayOf(now));
  }

  async rotate(): Promise<void> {
    const start = this.#start;
    if (start === undefined) return;
    await this.#handle.close();
    await rename(this.#path, segmentPath(this.#path, start));
    this.#handle = await open(this.#path, 'a', 0o640);
    await syncDir(dirname(this.#path));
    this.#size = 0;
    this.#start = undefined;
  }

  close(): Promise<void> {
    return this.#handle.close();
  }
}

/** Makes a rename durable: the directory entry itself must reach the disk. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
