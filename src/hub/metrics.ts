/**
 * A small metrics registry rendering the Prometheus text format (0.0.4): counters, gauges
 * (also computed at scrape time) and histograms. Hand-written: hearth exposes a dozen
 * series, not worth a dependency.
 *
 * Registration is get-or-create: units restarted by a reload (SIGHUP) register their series
 * again and get the existing ones back (counters keep counting; a gauge's `collect` is the
 * latest one), so each name is rendered once: Prometheus rejects a repeated `# TYPE`.
 */
type Labels = Record<string, string>;

interface Series {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  render(): string[];
}

const labelText = (labels: Labels, extra?: Labels): string => {
  const all = { ...labels, ...extra };
  const keys = Object.keys(all);
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${k}="${all[k]!.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`;
};
const key = (labels: Labels): string => JSON.stringify(Object.entries(labels).sort());

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
  counter(name: string, help: string): Counter;
  gauge(name: string, help: string, collect?: () => Array<[Labels, number]> | number): Gauge;
  histogram(name: string, help: string, buckets: number[]): Histogram;
  render(): string;
}

interface Registered<T> {
  series: Series;
  instrument: T;
  /** Gauges: the scrape-time collector, replaced on re-registration. */
  collect?: (() => Array<[Labels, number]> | number) | undefined;
  buckets?: number[];
}

export function createMetrics(): Metrics {
  const series: Series[] = [];
  const byName = new Map<string, Registered<unknown>>();
  const existing = <T>(name: string, type: Series['type']): Registered<T> | undefined => {
    const found = byName.get(name);
    if (found && found.series.type !== type) throw new Error(`metric ${name} is already registered as a ${found.series.type}, not a ${type}`);
    return found as Registered<T> | undefined;
  };
  const add = <T>(entry: Registered<T>): T => {
    series.push(entry.series);
    byName.set(entry.series.name, entry as Registered<unknown>);
    return entry.instrument;
  };
  return {
    counter(name, help) {
      const found = existing<Counter>(name, 'counter');
      if (found) return found.instrument;
      const values = new Map<string, [Labels, number]>();
      return add<Counter>({
        series: { name, help, type: 'counter', render: () => [...values.values()].map(([l, v]) => `${name}${labelText(l)} ${v}`) },
        instrument: {
          inc(labels = {}, by = 1) {
            const k = key(labels);
            const cur = values.get(k);
            values.set(k, [labels, (cur?.[1] ?? 0) + by]);
          },
        },
      });
    },
    gauge(name, help, collect) {
      const found = existing<Gauge>(name, 'gauge');
      if (found) {
        if (collect) found.collect = collect;
        return found.instrument;
      }
      const values = new Map<string, [Labels, number]>();
      const entry: Registered<Gauge> = {
        collect,
        series: {
          name,
          help,
          type: 'gauge',
          render: () => {
            if (entry.collect) {
              const c = entry.collect();
              const rows: Array<[Labels, number]> = typeof c === 'number' ? [[{}, c]] : c;
              return rows.map(([l, v]) => `${name}${labelText(l)} ${v}`);
            }
            return [...values.values()].map(([l, v]) => `${name}${labelText(l)} ${v}`);
          },
        },
        instrument: { set: (value, labels = {}) => void values.set(key(labels), [labels, value]) },
      };
      return add(entry);
    },
    histogram(name, help, buckets) {
      const sorted = [...buckets].sort((a, b) => a - b);
      const found = existing<Histogram>(name, 'histogram');
      if (found) {
        if (JSON.stringify(found.buckets) !== JSON.stringify(sorted)) throw new Error(`metric ${name} is already registered with other buckets`);
        return found.instrument;
      }
      const values = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
      const histogramSeries: Series = {
        name,
        help,
        type: 'histogram',
        render: () =>
          [...values.values()].flatMap((h) => [
            ...sorted.map((b, i) => `${name}_bucket${labelText(h.labels, { le: String(b) })} ${h.counts[i]}`),
            `${name}_bucket${labelText(h.labels, { le: '+Inf' })} ${h.count}`,
            `${name}_sum${labelText(h.labels)} ${h.sum}`,
            `${name}_count${labelText(h.labels)} ${h.count}`,
          ]),
      };
      return add<Histogram>({
        series: histogramSeries,
        buckets: sorted,
        instrument: {
          observe(value, labels = {}) {
            const k = key(labels);
            let h = values.get(k);
            if (!h) values.set(k, (h = { labels, counts: sorted.map(() => 0), sum: 0, count: 0 }));
            sorted.forEach((b, i) => {
              if (value <= b) h.counts[i]!++;
            });
            h.sum += value;
            h.count++;
          },
        },
      });
    },
    render() {
      return (
        series
          .flatMap((s) => [`# HELP ${s.name} ${s.help}`, `# TYPE ${s.name} ${s.type}`, ...s.render()])
          .join('\n') + '\n'
      );
    },
  };
}
