// A small memo keyed by object identity that remembers the last few entries. Used where a WeakMap
// or Map would be the obvious choice but most keys die young (a new identity object per browser
// request): both cost more per new key (the WeakMap in garbage collection, the Map in giving the
// object an identity hash) than the memo saves, measured at microseconds per request. A scan of a
// few slots costs nanoseconds, and the keys that do repeat (bearer clients) are few and hot.

export class Recent<K extends object, V> {
  readonly #keys: (K | undefined)[];
  readonly #values: (V | undefined)[];
  #next = 0;

  constructor(readonly capacity: number) {
    this.#keys = new Array<K | undefined>(capacity).fill(undefined);
    this.#values = new Array<V | undefined>(capacity).fill(undefined);
  }

  get(key: K): V | undefined {
    const keys = this.#keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] === key) return this.#values[i];
    return undefined;
  }

  /** The value remembered for `key`, or `make(key)`, remembered in place of the oldest entry. */
  getOrMake(key: K, make: (key: K) => V): V {
    let value = this.get(key);
    if (value === undefined) {
      value = make(key);
      this.set(key, value);
    }
    return value;
  }

  /** Remembers key -> value in place of the oldest entry. */
  set(key: K, value: V): void {
    this.#keys[this.#next] = key;
    this.#values[this.#next] = value;
    this.#next = (this.#next + 1) % this.capacity;
  }
}
