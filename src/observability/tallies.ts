// The per-request counter and histogram, kept as plain tallies and read by prom-client only when
// it is scraped. prom-client's own Counter and Histogram hash their label object on every inc()
// and observe() (its labels() children do too); on a proxy's request path that was most of the
// 0.8 us each request spent on metrics. Here a series is found by its label values joined into
// one string, and an observation is a bucket search and three additions. Everything else about
// the metrics (rendering, the registry, cluster aggregation by `aggregator`) stays prom-client's:
// these objects have the shape its Registry reads (name, help, type, aggregator, get()).

import type { Metric, Registry } from 'prom-client';

type Labels<L extends string> = Readonly<Record<L, string>>;

/** prom-client's value shape for get(). */
interface Value {
  readonly labels: Record<string, string | number>;
  readonly value: number;
  readonly metricName?: string;
}

interface Snapshot {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'histogram';
  readonly values: Value[];
  readonly aggregator: 'sum';
}

interface Options<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  readonly registers: readonly Registry[];
}

/** Label values to one map key; \u0001 never occurs in a bounded label value (labels.ts). */
function keyOf<L extends string>(labelNames: readonly L[], labels: Labels<L>): string {
  let key = '';
  for (const name of labelNames) key += `${labels[name]}\u0001`;
  return key;
}

abstract class Tally<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly aggregator = 'sum' as const;
  protected readonly labelNames: readonly L[];

  constructor(options: Options<L>) {
    this.name = options.name;
    this.help = options.help;
    this.labelNames = options.labelNames;
    // The Registry keeps and renders any object of this shape; prom-client's type names its own classes.
    for (const registry of options.registers) registry.registerMetric(this as unknown as Metric);
  }

  abstract get(): Promise<Snapshot>;
  abstract reset(): void;
}

interface CounterSeries<L extends string> {
  readonly labels: Labels<L>;
  value: number;
}

export class TallyCounter<L extends string> extends Tally<L> {
  readonly type = 'counter' as const;
  #series = new Map<string, CounterSeries<L>>();

  inc(labels: Labels<L>, by = 1): void {
    const key = keyOf(this.labelNames, labels);
    const series = this.#series.get(key);
    if (series !== undefined) series.value += by;
    else this.#series.set(key, { labels: { ...labels }, value: by });
  }

  get(): Promise<Snapshot> {
    const values = [...this.#series.values()].map((s) => ({ labels: { ...s.labels }, value: s.value }));
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator });
  }

  reset(): void {
    this.#series.clear();
  }
}

interface HistogramSeries<L extends string> {
  readonly labels: Labels<L>;
  /** Observations per bucket (not cumulative), the last for values above every bound. */
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

export class TallyHistogram<L extends string> extends Tally<L> {
  readonly type = 'histogram' as const;
  readonly #upperBounds: readonly number[];
  #series = new Map<string, HistogramSeries<L>>();

  constructor(options: Options<L> & { readonly buckets: readonly number[] }) {
    super(options);
    this.#upperBounds = [...options.buckets].sort((a, b) => a - b);
  }

  observe(labels: Labels<L>, value: number): void {
    const key = keyOf(this.labelNames, labels);
    let series = this.#series.get(key);
    if (series === undefined) {
      series = { labels: { ...labels }, counts: new Float64Array(this.#upperBounds.length + 1), sum: 0, count: 0 };
      this.#series.set(key, series);
    }
    const bounds = this.#upperBounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    series.counts[i]! += 1;
    series.sum += value;
    series.count += 1;
  }

  /** The same values, in the same order, as prom-client's Histogram gives for these observations. */
  get(): Promise<Snapshot> {
    const values: Value[] = [];
    for (const s of this.#series.values()) {
      let cumulative = 0;
      for (let i = 0; i < this.#upperBounds.length; i++) {
        cumulative += s.counts[i]!;
        values.push({ labels: { le: this.#upperBounds[i]!, ...s.labels }, value: cumulative, metricName: `${this.name}_bucket` });
      }
      values.push({ labels: { le: '+Inf', ...s.labels }, value: s.count, metricName: `${this.name}_bucket` });
      values.push({ labels: { ...s.labels }, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { ...s.labels }, value: s.count, metricName: `${this.name}_count` });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator });
  }

  reset(): void {
    this.#series.clear();
  }
}
