// Open WebSockets, counted in total and per owner. Each one holds a client socket and an
// upstream socket for as long as it lives, so an allowed handshake past either cap is refused
// before the upgrade, with the JSON every refusal gets: 429 for one owner's share, 503 when
// the proxy as a whole is full.

import { ChangegateError } from '../errors.js';
import { isAuthenticated, type Identity } from '../identity/types.js';

export interface WebSocketLimits {
  readonly max: number;
  readonly maxPerIdentity: number;
}

/** Seconds a refused client is told to wait: open sockets go away at the idle timeout at the latest. */
const RETRY_AFTER_SECONDS = '30';

export class WebSocketSlots {
  readonly #limits: WebSocketLimits;
  readonly #byOwner = new Map<string, number>();
  #open = 0;

  constructor(limits: WebSocketLimits) {
    this.#limits = limits;
  }

  get open(): number {
    return this.#open;
  }

  /** Takes a slot for one more WebSocket of `owner`, or throws; the returned function gives it back. */
  take(owner: string): () => void {
    const mine = this.#byOwner.get(owner) ?? 0;
    if (mine >= this.#limits.maxPerIdentity) {
      throw refusal('too_many_requests', `you already have ${mine} WebSockets open, the most one caller may; close one first`);
    }
    if (this.#open >= this.#limits.max) throw refusal('overloaded', `the proxy has ${this.#open} WebSockets open, its limit; try again later`);
    this.#byOwner.set(owner, mine + 1);
    this.#open++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#open--;
      const left = (this.#byOwner.get(owner) ?? 1) - 1;
      if (left === 0) this.#byOwner.delete(owner);
      else this.#byOwner.set(owner, left);
    };
  }
}

/** Whose share a WebSocket counts against: the subject, or for an anonymous caller its address. */
export function webSocketOwner(identity: Identity, clientIp: string): string {
  return isAuthenticated(identity) ? `subject:${identity.id}` : `address:${clientIp}`;
}

function refusal(code: 'too_many_requests' | 'overloaded', reason: string): ChangegateError {
  return new ChangegateError(code, reason, { headers: { 'retry-after': RETRY_AFTER_SECONDS } });
}
