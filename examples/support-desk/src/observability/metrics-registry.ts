/** Label values of one series, by label name. */
export type Labels = Readonly<Record<string, string>>;

/** A counter family: values that only go up, one per label set. */
export interface Counter {
  /** Add `amount` (default 1, never negative) to the series of `labels`. */
  inc(labels?: Labels, amount?: number): void;
}

/** A histogram family: observations counted into cumulative buckets, one set per label set. */
export interface Histogram {
  /** Count `value` in the series of `labels`. */
  observe(labels: Labels, value: number): void;
}

interface CounterFamily {
  type: 'counter';
  name: string;
  help: string;
  labelNames: readonly string[];
  series: Map<string, { labels: Labels; value: number }>;
}

interface HistogramFamily {
  type: 'histogram';
  name: string;
  help: string;
  labelNames: readonly string[];
  buckets: readonly number[];
  series: Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The content type of the Prometheus text exposition format this registry renders. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

function escapeLabelValue(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

function escapeHelp(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('\n', '\\n');
}

function formatNumber(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return Number.isNaN(value) ? 'NaN' : String(value);
}

function formatLabels(labels: readonly (readonly [string, string])[]): string {
  if (labels.length === 0) return '';
  return `{${labels.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}`;
}

/**
 * A small Prometheus registry of the service's own: counters and histograms with fixed label
 * names, rendered in the text exposition format 0.0.4. No prom-client: the service needs two
 * metric types, and owning the text keeps `/metrics` byte-for-byte predictable in tests.
 *
 * @example
 * const registry = new MetricsRegistry()
 * const requests = registry.counter('http_requests_total', 'Requests answered.', ['method', 'route', 'status'])
 * requests.inc({ method: 'GET', route: '/health', status: '200' })
 * registry.render() // '# HELP http_requests_total Requests answered.\n# TYPE http_requests_total counter\n...'
 */
export class MetricsRegistry {
  readonly #families = new Map<string, CounterFamily | HistogramFamily>();

  /**
   * Register a counter. Its name must end in `_total`.
   *
   * @throws RangeError for an invalid or taken name, or invalid label names
   */
  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    const family: CounterFamily = { type: 'counter', name, help, labelNames, series: new Map() };
    if (!name.endsWith('_total')) throw new RangeError(`Failed to register ${name}: a counter's name ends in _total.`);
    this.#register(family);
    return {
      inc: (labels = {}, amount = 1) => {
        if (!(amount >= 0)) throw new RangeError(`Failed to increment ${name}: a counter only goes up, got ${amount}.`);
        const key = this.#seriesKey(family, labels);
        const series = family.series.get(key) ?? { labels, value: 0 };
        series.value += amount;
        family.series.set(key, series);
      },
    };
  }

  /**
   * Register a histogram with upper bucket bounds `buckets` (ascending; `+Inf` is added).
   *
   * @throws RangeError for an invalid or taken name, invalid label names or unsorted buckets
   */
  histogram(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]): Histogram {
    const family: HistogramFamily = { type: 'histogram', name, help, labelNames, buckets, series: new Map() };
    if (buckets.some((bound, index) => index > 0 && bound <= buckets[index - 1]!)) {
      throw new RangeError(`Failed to register ${name}: buckets must be ascending, got ${buckets.join(', ')}.`);
    }
    this.#register(family);
    return {
      observe: (labels, value) => {
        const key = this.#seriesKey(family, labels);
        const series = family.series.get(key) ?? { labels, counts: buckets.map(() => 0), sum: 0, count: 0 };
        buckets.forEach((bound, index) => {
          if (value <= bound) series.counts[index]! += 1;
        });
        series.sum += value;
        series.count += 1;
        family.series.set(key, series);
      },
    };
  }

  /** Every family in the Prometheus text format 0.0.4 (serve it with {@link PROMETHEUS_CONTENT_TYPE}). */
  render(): string {
    const lines: string[] = [];
    for (const family of this.#families.values()) {
      lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
      const series = [...family.series.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      for (const [, entry] of series) {
        const labels = family.labelNames.map((label) => [label, entry.labels[label] ?? ''] as const);
        if (family.type === 'counter') {
          lines.push(`${family.name}${formatLabels(labels)} ${formatNumber((entry as { value: number }).value)}`);
          continue;
        }
        const histogram = entry as { counts: number[]; sum: number; count: number };
        family.buckets.forEach((bound, index) => {
          lines.push(`${family.name}_bucket${formatLabels([...labels, ['le', formatNumber(bound)]])} ${histogram.counts[index]}`);
        });
        lines.push(`${family.name}_bucket${formatLabels([...labels, ['le', '+Inf']])} ${histogram.count}`);
        lines.push(`${family.name}_sum${formatLabels(labels)} ${formatNumber(histogram.sum)}`);
        lines.push(`${family.name}_count${formatLabels(labels)} ${histogram.count}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }

  #register(family: CounterFamily | HistogramFamily): void {
    if (!METRIC_NAME.test(family.name)) throw new RangeError(`Failed to register ${family.name}: not a Prometheus metric name.`);
    if (this.#families.has(family.name)) throw new RangeError(`Failed to register ${family.name}: the name is taken.`);
    const bad = family.labelNames.filter((label) => !LABEL_NAME.test(label) || label.startsWith('__') || label === 'le');
    if (bad.length > 0) throw new RangeError(`Failed to register ${family.name}: invalid label names ${bad.join(', ')}.`);
    this.#families.set(family.name, family);
  }

  #seriesKey(family: { name: string; labelNames: readonly string[] }, labels: Labels): string {
    const unknown = Object.keys(labels).filter((label) => !family.labelNames.includes(label));
    if (unknown.length > 0) throw new RangeError(`Failed to record ${family.name}: unknown labels ${unknown.join(', ')}.`);
    return JSON.stringify(family.labelNames.map((label) => labels[label] ?? ''));
  }
}
