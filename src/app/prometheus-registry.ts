/**
 * A small Prometheus registry: counters, gauges and histograms with labels, rendered in the
 * text exposition format (version 0.0.4). Written here rather than taken from `prom-client`
 * because the bot needs a dozen metrics, not a dependency with its own process collectors.
 */

export type Labels = Readonly<Record<string, string>>;

type Kind = 'counter' | 'gauge' | 'histogram';

interface Metric {
  readonly name: string;
  readonly help: string;
  readonly kind: Kind;
  /** Exposition lines for the samples (without HELP/TYPE). */
  samples(): string[];
}

/** Content type Prometheus expects for the text format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labelText(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${k}="${escapeLabelValue(labels[k] ?? '')}"`).join(',')}}`;
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}

/** One value per label set; the key is the rendered label text, so equal sets share a series. */
class Series<T> {
  readonly #items = new Map<string, { labels: Labels; value: T }>();
  constructor(private readonly init: () => T) {}

  get(labels: Labels): T {
    const key = labelText(labels);
    let item = this.#items.get(key);
    if (!item) {
      item = { labels, value: this.init() };
      this.#items.set(key, item);
    }
    return item.value;
  }

  entries(): Array<{ labels: Labels; value: T }> {
    return [...this.#items.values()];
  }
}

/** A value that only goes up (restarts reset it; Prometheus' `rate()` handles that). */
export class Counter implements Metric {
  readonly kind = 'counter';
  readonly #series = new Series(() => ({ n: 0 }));
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    if (by < 0) throw new Error(`counter ${this.name} cannot decrease`);
    this.#series.get(labels).n += by;
  }

  value(labels: Labels = {}): number {
    return this.#series.get(labels).n;
  }

  samples(): string[] {
    return this.#series.entries().map((e) => `${this.name}${labelText(e.labels)} ${formatValue(e.value.n)}`);
  }
}

/** A value that goes up and down, set directly or read at scrape time through `collect`. */
export class Gauge implements Metric {
  readonly kind = 'gauge';
  readonly #series = new Series(() => ({ n: 0 }));
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly collect?: (set: (value: number, labels?: Labels) => void) => void,
  ) {}

  set(value: number, labels: Labels = {}): void {
    this.#series.get(labels).n = value;
  }

  inc(labels: Labels = {}, by = 1): void {
    this.#series.get(labels).n += by;
  }

  dec(labels: Labels = {}, by = 1): void {
    this.#series.get(labels).n -= by;
  }

  value(labels: Labels = {}): number {
    return this.#series.get(labels).n;
  }

  samples(): string[] {
    this.collect?.((value, labels) => this.set(value, labels));
    return this.#series.entries().map((e) => `${this.name}${labelText(e.labels)} ${formatValue(e.value.n)}`);
  }
}

/** Observations counted into cumulative buckets (`_bucket{le}`, `_sum`, `_count`). */
export class Histogram implements Metric {
  readonly kind = 'histogram';
  readonly #series: Series<{ counts: number[]; sum: number; count: number }>;
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {
    const sorted = [...buckets].sort((a, b) => a - b);
    if (sorted.some((b, i) => b !== buckets[i])) throw new Error(`buckets of ${name} must be ascending`);
    this.#series = new Series(() => ({ counts: buckets.map(() => 0), sum: 0, count: 0 }));
  }

  observe(value: number, labels: Labels = {}): void {
    const s = this.#series.get(labels);
    s.sum += value;
    s.count += 1;
    // Stored per bucket (not cumulative) so one observation touches one slot.
    const i = this.buckets.findIndex((b) => value <= b);
    if (i >= 0) s.counts[i] = (s.counts[i] ?? 0) + 1;
  }

  samples(): string[] {
    const out: string[] = [];
    for (const { labels, value } of this.#series.entries()) {
      let cumulative = 0;
      this.buckets.forEach((le, i) => {
        cumulative += value.counts[i] ?? 0;
        out.push(`${this.name}_bucket${labelText({ ...labels, le: formatValue(le) })} ${cumulative}`);
      });
      out.push(`${this.name}_bucket${labelText({ ...labels, le: '+Inf' })} ${value.count}`);
      out.push(`${this.name}_sum${labelText(labels)} ${formatValue(value.sum)}`);
      out.push(`${this.name}_count${labelText(labels)} ${value.count}`);
    }
    return out;
  }
}

/** The metrics one `/metrics` page shows, in registration order. */
export class Registry {
  readonly #metrics = new Map<string, Metric>();

  register<M extends Metric>(metric: M): M {
    if (!NAME_RE.test(metric.name)) throw new Error(`invalid metric name ${metric.name}`);
    if (this.#metrics.has(metric.name)) throw new Error(`metric ${metric.name} registered twice`);
    this.#metrics.set(metric.name, metric);
    return metric;
  }

  counter(name: string, help: string): Counter {
    return this.register(new Counter(name, help));
  }

  gauge(name: string, help: string, collect?: ConstructorParameters<typeof Gauge>[2]): Gauge {
    return this.register(new Gauge(name, help, collect));
  }

  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    return this.register(new Histogram(name, help, buckets));
  }

  /** The whole page in the text exposition format. */
  render(): string {
    const lines: string[] = [];
    for (const m of this.#metrics.values()) {
      lines.push(`# HELP ${m.name} ${m.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
      lines.push(`# TYPE ${m.name} ${m.kind}`);
      lines.push(...m.samples());
    }
    return `${lines.join('\n')}\n`;
  }
}
