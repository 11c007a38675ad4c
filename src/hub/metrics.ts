/**
 * The hub's metrics registry: counters, gauges (also computed at scrape time) and histograms,
 * rendered in the Prometheus text format (0.0.4) by prom-client, the ecosystem's registry, on a
 * registry of our own (not prom-client's global one).
 *
 * Registration is get-or-create: units restarted by a reload (SIGHUP) register their series
 * again and get the existing ones back (counters keep counting; a gauge's `collect` is the
 * latest one), so each name is rendered once: Prometheus rejects a repeated `# TYPE`.
 */
import { Counter as PromCounter, Gauge as PromGauge, Histogram as PromHistogram, Registry } from 'prom-client';

type Labels = Record<string, string>;
/** A gauge's scrape-time values: one number, or rows of labels and value. */
type Collect = () => Array<[Labels, number]> | number;

export interface Counter {
  inc(labels?: Labels, by?: number): void;
}
export interface Gauge {
  set(value: number, labels?: Labels): void;
}
export interface Histogram {
  observe(value: number, labels?: Labels): void;
}

export interface Metrics {
  /** `labelNames`: every label the series will be given. */
  counter(name: string, help: string, labelNames?: string[]): Counter;
  /**
   * A counter whose value is read at scrape time from a count kept elsewhere (e.g. a client's
   * connects), rendered as `counter` as Prometheus expects of a `_total` series.
   */
  countedElsewhere(name: string, help: string, read: () => number): void;
  gauge(name: string, help: string, collect?: Collect, labelNames?: string[]): Gauge;
  histogram(name: string, help: string, buckets: number[], labelNames?: string[]): Histogram;
  /** The text exposition of every series. */
  render(): Promise<string>;
}

interface Registered {
  type: 'counter' | 'gauge' | 'histogram';
  instrument: unknown;
  /** Gauges: the scrape-time collector, replaced on re-registration. */
  collect?: Collect | undefined;
  /** Counters counted elsewhere: the reader, replaced on re-registration. */
  read?: () => number;
  buckets?: number[];
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  const byName = new Map<string, Registered>();
  const existing = (name: string, type: Registered['type']): Registered | undefined => {
    const found = byName.get(name);
    if (found && found.type !== type) throw new Error(`metric ${name} is already registered as a ${found.type}, not a ${type}`);
    return found;
  };
  return {
    counter(name, help, labelNames = []) {
      const found = existing(name, 'counter');
      if (found) return found.instrument as Counter;
      const counter = new PromCounter({ name, help, labelNames, registers: [registry] });
      const instrument: Counter = { inc: (labels = {}, by = 1) => counter.inc(labels, by) };
      byName.set(name, { type: 'counter', instrument });
      return instrument;
    },
    countedElsewhere(name, help, read) {
      const found = existing(name, 'counter');
      if (found) {
        found.read = read;
        return;
      }
      const entry: Registered = { type: 'counter', instrument: undefined, read };
      new PromCounter({
        name,
        help,
        registers: [registry],
        collect() {
          this.reset();
          this.inc(Math.max(0, entry.read!()));
        },
      });
      byName.set(name, entry);
    },
    gauge(name, help, collect, labelNames = []) {
      const found = existing(name, 'gauge');
      if (found) {
        if (collect) found.collect = collect;
        return found.instrument as Gauge;
      }
      const entry: Registered = { type: 'gauge', instrument: undefined, collect };
      const gauge = new PromGauge({
        name,
        help,
        labelNames,
        registers: [registry],
        collect() {
          if (!entry.collect) return;
          const c = entry.collect();
          this.reset();
          if (typeof c === 'number') this.set(c);
          else for (const [labels, value] of c) this.set(labels, value);
        },
      });
      entry.instrument = { set: (value: number, labels: Labels = {}) => gauge.set(labels, value) } satisfies Gauge;
      byName.set(name, entry);
      return entry.instrument as Gauge;
    },
    histogram(name, help, buckets, labelNames = []) {
      const sorted = [...buckets].sort((a, b) => a - b);
      const found = existing(name, 'histogram');
      if (found) {
        if (JSON.stringify(found.buckets) !== JSON.stringify(sorted))
          throw new Error(`metric ${name} is already registered with other buckets`);
        return found.instrument as Histogram;
      }
      const histogram = new PromHistogram({ name, help, buckets: sorted, labelNames, registers: [registry] });
      const instrument: Histogram = { observe: (value, labels = {}) => histogram.observe(labels, value) };
      byName.set(name, { type: 'histogram', instrument, buckets: sorted });
      return instrument;
    },
    render: () => registry.metrics(),
  };
}
