// The actual state of the loop: one record per change that has (or had) a deployment, kept in
// {stateDir}/deployments/registry.json so a restart adopts the webservers still running instead
// of orphaning them. Written whole on every change, through a temporary file, fsync and rename,
// so a crash leaves the old file or the new one, never half of either.

import { open, mkdir, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ChangeSnapshot, CleanupResult, RunningWebserver } from './types.js';

/** A webserver serving one patch set of the change. */
export interface Serving {
  readonly patchset: number;
  readonly sha: string;
  readonly url: string;
  readonly handle: RunningWebserver['handle'];
  readonly readyAt: string;
}

/**
 * Where a deployment is. `serving` is the webserver requests go to: while a new patch set
 * starts (or after it failed), the previous one keeps serving.
 */
export type DeploymentState =
  | { readonly status: 'queued'; readonly serving?: Serving }
  | { readonly status: 'starting'; readonly since: string; readonly serving?: Serving }
  | { readonly status: 'ready'; readonly serving: Serving }
  | { readonly status: 'failed'; readonly at: string; readonly error: string; readonly output: string; readonly serving?: Serving }
  | { readonly status: 'closed'; readonly at: string; readonly reason: 'MERGED' | 'CLOSED'; readonly cleanup?: CleanupResult };

export type DeploymentStatus = DeploymentState['status'];

export interface DeploymentRecord {
  /** gerrit-change-{n} */
  readonly name: string;
  /** The change at the patch set this record is working on (the newest one seen). */
  readonly change: ChangeSnapshot;
  readonly pathPrefix: string;
  readonly host?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly state: DeploymentState;
}

const VERSION = 1;

export class Registry {
  readonly #path: string;
  readonly #records = new Map<number, DeploymentRecord>();
  #writing: Promise<void> = Promise.resolve();

  private constructor(path: string) {
    this.#path = path;
  }

  static async open(stateDir: string): Promise<Registry> {
    const registry = new Registry(join(stateDir, 'deployments', 'registry.json'));
    let text: string | undefined;
    try {
      text = await readFile(registry.#path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (text !== undefined) for (const r of parseRecords(registry.#path, text)) registry.#records.set(r.change.number, r);
    return registry;
  }

  get(change: number): DeploymentRecord | undefined {
    return this.#records.get(change);
  }

  list(): readonly DeploymentRecord[] {
    return [...this.#records.values()].sort((a, b) => a.change.number - b.change.number);
  }

  /** Replaces the change's record and resolves once the registry on disk has it. */
  async put(record: DeploymentRecord): Promise<void> {
    this.#records.set(record.change.number, record);
    await this.#save();
  }

  async delete(change: number): Promise<void> {
    if (this.#records.delete(change)) await this.#save();
  }

  /** Writes are serialized; each writes the whole current state, so the last one wins with everything. */
  #save(): Promise<void> {
    const next = this.#writing.then(() => this.#write());
    this.#writing = next.catch(() => undefined);
    return next;
  }

  async #write(): Promise<void> {
    await mkdir(dirname(this.#path), { recursive: true });
    const tmp = `${this.#path}.${process.pid}.tmp`;
    const file = await open(tmp, 'w', 0o600);
    try {
      await file.writeFile(JSON.stringify({ version: VERSION, records: this.list() }, null, 1));
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, this.#path);
  }
}

/**
 * The records of a registry file. Anything else is an error naming the file and left in place
 * for a person to look at: starting empty would orphan every webserver it lists.
 */
function parseRecords(path: string, text: string): DeploymentRecord[] {
  const unusable = (why: string) => new Error(`${path} is not a usable version ${VERSION} deployments registry (${why}); move it aside to start with none`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw unusable(`not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw unusable('not an object');
  const { version, records } = json as { version?: unknown; records?: unknown };
  if (version !== VERSION) throw unusable(`version ${JSON.stringify(version) ?? 'missing'}`);
  if (!Array.isArray(records)) throw unusable('no list of records');
  return records.map((r: unknown, i) => {
    // The shape the loop keys on; the rest is ours, written by #write.
    const change = isObject(r) && isObject(r['change']) ? r['change'] : undefined;
    if (!isObject(r) || change === undefined || !Number.isSafeInteger(change['number']) || !isObject(r['state']) || typeof r['state']['status'] !== 'string') throw unusable(`record ${i} is malformed`);
    return r as unknown as DeploymentRecord;
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
