// Keeps the engine's policy current: loads it at start, and on a change under the policy
// directory compiles the new files, runs their tests, and swaps only if both succeed. A broken
// edit is reported and the working policy keeps deciding.

import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from 'pino';
import type { PolicyEngine } from './engine.js';
import { loadPolicy, type PolicyLocation } from './load.js';
import { failureLines } from './test-runner.js';

export interface WatchConfig extends PolicyLocation {
  readonly watch: boolean;
}

/** Told of every load's outcome (metrics; tests wait on it instead of guessing how long a compile takes). */
export type ReloadObserver = (result: 'loaded' | 'rejected') => void;

const DEBOUNCE_MS = 250;

export class PolicyWatcher {
  readonly #engine: PolicyEngine;
  readonly #config: WatchConfig;
  readonly #logger: Logger;
  readonly #observe: ReloadObserver | undefined;
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #dirty = false;
  /** The last load failure, for /readyz and the log; undefined when the current files loaded. */
  lastError: string | undefined;

  constructor(engine: PolicyEngine, config: WatchConfig, logger: Logger, observe?: ReloadObserver) {
    this.#engine = engine;
    this.#config = config;
    this.#logger = logger;
    this.#observe = observe;
  }

  async start(): Promise<void> {
    await this.reload('start');
    if (this.#config.watch && this.#config.bundle === undefined) {
      try {
        this.#watcher = watch(this.#config.path, { recursive: true }, () => this.#schedule());
        this.#watcher.on('error', (e) => this.#logger.warn({ err: e }, 'policy watch failed; hot reload is off'));
      } catch (e) {
        this.#logger.warn({ err: e }, 'policy directory cannot be watched; hot reload is off');
      }
    }
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#kick(), DEBOUNCE_MS);
  }

  /** One reload at a time; edits that land during a reload cause exactly one more. */
  #kick(): void {
    if (this.#running) {
      this.#dirty = true;
      return;
    }
    this.#running = true;
    void this.reload('change').finally(() => {
      this.#running = false;
      if (this.#dirty) {
        this.#dirty = false;
        this.#kick();
      }
    });
  }

  /** Loads the policy and swaps it in if it compiles and its tests pass. Never throws. */
  async reload(why: 'start' | 'change'): Promise<void> {
    try {
      const { snapshot, tests } = await loadPolicy(this.#config);
      const failures = failureLines(tests);
      if (failures.length > 0) throw new Error(`policy tests failed: ${failures.join('; ')}`);
      const previous = this.#engine.revision;
      this.#engine.swap(snapshot);
      this.lastError = undefined;
      this.#logger.info({ revision: snapshot.revision, previous, why }, 'policy loaded');
      this.#observe?.('loaded');
    } catch (e) {
      this.lastError = e instanceof Error ? e.message : String(e);
      this.#logger.error(
        { why, error: this.lastError, keeping: this.#engine.revision ?? null },
        this.#engine.ready ? 'policy not replaced: the working policy keeps deciding' : 'no policy loaded: every request is refused',
      );
      this.#observe?.('rejected');
    }
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#watcher?.close();
  }
}
