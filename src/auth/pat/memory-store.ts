// The in-memory token table, indexed by id and by hash. The file store wraps it; tests and
// single-use tools can use it alone.

import type { PatPatch, PatRecord, TokenStore } from './types.js';

export class MemoryTokenStore implements TokenStore {
  protected byId = new Map<string, PatRecord>();
  protected byHash = new Map<string, string>();

  protected load(records: readonly PatRecord[]): void {
    this.byId = new Map(records.map((r) => [r.id, r]));
    this.byHash = new Map(records.map((r) => [r.hash, r.id]));
  }

  protected records(): PatRecord[] {
    return [...this.byId.values()];
  }

  async insert(record: PatRecord): Promise<void> {
    if (this.byId.has(record.id) || this.byHash.has(record.hash)) throw new Error('token id or hash already stored');
    this.byId.set(record.id, record);
    this.byHash.set(record.hash, record.id);
  }

  async findByHash(hash: string): Promise<PatRecord | undefined> {
    const id = this.byHash.get(hash);
    return id === undefined ? undefined : this.byId.get(id);
  }

  async get(id: string): Promise<PatRecord | undefined> {
    return this.byId.get(id);
  }

  async listByOwner(sub: string, issuer: string): Promise<PatRecord[]> {
    return this.records()
      .filter((r) => r.owner.sub === sub && r.owner.issuer === issuer)
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  async update(id: string, patch: PatPatch): Promise<PatRecord | undefined> {
    const current = this.byId.get(id);
    if (current === undefined) return undefined;
    const next = { ...current, ...patch };
    this.byId.set(id, next);
    return next;
  }

  async revokeBoundTo(change: number, at: number): Promise<number> {
    let count = 0;
    for (const r of this.records()) {
      if (r.change === change && r.revokedAt === undefined) {
        this.byId.set(r.id, { ...r, revokedAt: at, revokedReason: 'change_closed' });
        count++;
      }
    }
    return count;
  }

  async close(): Promise<void> {}
}
