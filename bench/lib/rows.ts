// The throughput table: one row per wrk run, with its ratio to the direct run and to the nginx
// run (same worker count) of the same request shape, both from this bench run.

import type { CoreUse } from './core-time.js';
import type { Shape } from './shapes.js';
import type { LoadResult } from './wrk.js';

export type Target = 'direct' | 'nginx' | 'relay' | 'changegate';

export interface Row extends LoadResult {
  readonly shape: string;
  readonly scenario: string;
  readonly target: Target;
  readonly workers: number | undefined;
  readonly vsDirect: number | undefined;
  readonly vsNginx: number | undefined;
  /** Non-2xx answers are the point of this row (the denied scenario). */
  readonly expectsErrors?: boolean;
  /** What the one-worker proxy's core spent (near nothing for a direct run: the machine's floor). */
  readonly proxyCore?: CoreUse;
}

export class ThroughputRows {
  readonly rows: Row[] = [];
  readonly #direct = new Map<string, number>();
  readonly #nginx = new Map<string, number>();

  add(shape: Shape, scenario: string, target: Target, workers: number | undefined, r: LoadResult & { readonly proxyCore?: CoreUse }, expectsErrors = false): void {
    if (target === 'direct') this.#direct.set(shape.name, r.requestsPerSecond);
    if (target === 'nginx') this.#nginx.set(`${shape.name}/${workers}`, r.requestsPerSecond);
    const direct = this.#direct.get(shape.name);
    const nginx = this.#nginx.get(`${shape.name}/${workers}`);
    // With more workers the proxy spans more cores than the one measured.
    const { proxyCore, ...load } = r;
    const core = workers === undefined || workers === 1 ? proxyCore : undefined;
    this.rows.push({
      shape: shape.name,
      scenario,
      target,
      workers,
      ...load,
      ...(core === undefined ? {} : { proxyCore: core }),
      vsDirect: direct === undefined ? undefined : r.requestsPerSecond / direct,
      vsNginx: target === 'direct' || nginx === undefined ? undefined : r.requestsPerSecond / nginx,
      ...(expectsErrors ? { expectsErrors } : {}),
    });
    process.stderr.write(
      `  ${shape.name}: ${scenario}${workers === undefined ? '' : ` (workers ${workers})`}: ${r.requestsPerSecond.toFixed(0)} req/s, p99 ${r.p99Ms.toFixed(2)} ms${core === undefined ? '' : `, proxy core ${core.usPerRequest.toFixed(0)} us/request`}${r.errors > 0 ? `, ${r.errors} ${expectsErrors ? 'refused, as expected' : 'errors'}` : ''}\n`,
    );
  }
}
