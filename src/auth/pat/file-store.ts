// The default token store: one JSON file under stateDir, mode 0600, replaced atomically (write a
// temporary file, then rename) so a crash never leaves half a file. Writes are serialized in
// this process and, through a lock file beside the file, across processes. Another process's
// writes are noticed by the file's bytes differing from what this store last loaded or wrote, and
// reloaded before the next read (checked at most once a second) and before every write. Not by
// mtime: the kernel stamps it from a coarse clock tick, so two writes in one tick look the same,
// and a store that skipped the reload wrote its stale copy over the other's token. That suits a
// few workers on one host, and a shared store (Redis) is the answer beyond that.

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile, chmod } from 'node:fs/promises';
import path from 'node:path';
import { systemClock, type Clock } from '../session/types.js';
import { withFileLock } from './file-lock.js';
import { MemoryTokenStore } from './memory-store.js';
import type { PatPatch, PatRecord } from './types.js';

export const TOKEN_FILE = 'tokens.json';
const RELOAD_CHECK_MS = 1000;
/** Records past expiry (or revoked) this long are dropped at the next write. */
const KEEP_DEAD_SECONDS = 30 * 24 * 3600;

interface TokenFile {
  readonly version: 1;
  readonly tokens: PatRecord[];
}

export class FileTokenStore extends MemoryTokenStore {
  readonly #file: string;
  /** Decides which dead records are old enough to drop: the same clock as the PatService's. */
  readonly #clock: Clock;
  /** The file as this store last loaded or wrote it. */
  #seen: Buffer | undefined;
  #checkedAt = 0;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(file: string, clock: Clock) {
    super();
    this.#file = file;
    this.#clock = clock;
  }

  static async open(stateDir: string, clock: Clock = systemClock): Promise<FileTokenStore> {
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
    const store = new FileTokenStore(path.join(stateDir, TOKEN_FILE), clock);
    await store.#reloadIfChanged(true);
    return store;
  }

  get file(): string {
    return this.#file;
  }

  async #reloadIfChanged(force = false): Promise<void> {
    const now = Date.now();
    if (!force && now - this.#checkedAt < RELOAD_CHECK_MS) return;
    this.#checkedAt = now;
    let bytes: Buffer;
    try {
      bytes = await readFile(this.#file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    if (this.#seen?.equals(bytes) === true) return;
    const parsed = JSON.parse(bytes.toString('utf8')) as Partial<TokenFile>;
    if (parsed.version !== 1 || !Array.isArray(parsed.tokens)) throw new Error(`${this.#file}: not a Changegate token file`);
    this.load(parsed.tokens);
    this.#seen = bytes;
  }

  async #persist(): Promise<void> {
    const cutoff = this.#clock() - KEEP_DEAD_SECONDS;
    const tokens = this.records().filter((r) => r.expiresAt > cutoff && (r.revokedAt ?? Infinity) > cutoff);
    const body: TokenFile = { version: 1, tokens };
    // Unique per write, not per process: two stores on one file in one process (a test's and the
    // proxy's, or an embedding) must never rename each other's half-written temporary file.
    const tmp = `${this.#file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    const bytes = Buffer.from(`${JSON.stringify(body)}\n`, 'utf8');
    await writeFile(tmp, bytes, { mode: 0o600 });
    await chmod(tmp, 0o600);
    await rename(tmp, this.#file);
    this.#seen = bytes;
  }

  /** Runs a mutation against fresh data and persists it, one at a time in this process and across processes. */
  #write<T>(mutate: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(() =>
      withFileLock(`${this.#file}.lock`, async () => {
        await this.#reloadIfChanged(true);
        const result = await mutate();
        await this.#persist();
        return result;
      }),
    );
    this.#queue = run.catch(() => undefined);
    return run;
  }

  override insert(record: PatRecord): Promise<void> {
    return this.#write(() => super.insert(record));
  }

  override update(id: string, patch: PatPatch): Promise<PatRecord | undefined> {
    return this.#write(() => super.update(id, patch));
  }

  override revokeBoundTo(change: number, at: number): Promise<number> {
    return this.#write(() => super.revokeBoundTo(change, at));
  }

  override async findByHash(hash: string): Promise<PatRecord | undefined> {
    await this.#reloadIfChanged();
    return super.findByHash(hash);
  }

  override async get(id: string): Promise<PatRecord | undefined> {
    await this.#reloadIfChanged();
    return super.get(id);
  }

  override async listByOwner(sub: string, issuer: string): Promise<PatRecord[]> {
    await this.#reloadIfChanged();
    return super.listByOwner(sub, issuer);
  }

  override async close(): Promise<void> {
    await this.#queue;
  }
}
