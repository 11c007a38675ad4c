/**
 * A replayable presence trace, as JSON Lines:
 *
 *   {"format":"hearth-presence-trace","version":1,"report_interval":2,"nodes":[…],"devices":[…]}
 *   {"t":1500,"node":"kitchen-presence","tracker":"sam-phone","rssi":-63.5}
 *   {"t":1500,"node":"office-presence","tracker":"sam-phone","rssi":null}
 *   {"t":0,"person":"sam","room":"kitchen"}
 *
 * The header comes first: the nodes (name, room, rssi offset), the tracked devices (tracker,
 * person) and the firmware's report interval in seconds. Then, in any order, readings (t in ms
 * from the start of the trace; rssi in dBm as the node reported it, before its offset; null when
 * HA says the sensor is unavailable) and ground-truth lines (the person's true room, or `away`,
 * from t on). Pure: text in, text out.
 */
import { z } from 'zod';

export const TRACE_FORMAT = 'hearth-presence-trace';

const header = z
  .object({
    format: z.literal(TRACE_FORMAT),
    version: z.literal(1),
    /** Seconds between two reports of one node for one tracker. */
    report_interval: z.number().positive(),
    nodes: z.array(z.object({ node: z.string().min(1), room: z.string().min(1), rssi_offset: z.number().default(0) }).strict()).min(1),
    devices: z.array(z.object({ tracker: z.string().min(1), person: z.string().min(1) }).strict()).min(1),
    /** Free-form: how the trace was made (scenario, seed, …). */
    meta: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const reading = z
  .object({ t: z.number().nonnegative(), node: z.string().min(1), tracker: z.string().min(1), rssi: z.number().nullable() })
  .strict();

const truth = z.object({ t: z.number().nonnegative(), person: z.string().min(1), room: z.string().min(1) }).strict();

export type TraceHeader = z.output<typeof header>;
export type TraceReading = z.output<typeof reading>;
export type TraceTruth = z.output<typeof truth>;

export interface Trace {
  header: TraceHeader;
  /** Sorted by t (stable). */
  readings: TraceReading[];
  /** Sorted by t (stable). */
  truth: TraceTruth[];
}

export class TraceError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'TraceError';
  }
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

export function parseTrace(text: string): Trace {
  let head: TraceHeader | undefined;
  const readings: TraceReading[] = [];
  const truths: TraceTruth[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new TraceError(i + 1, 'not JSON');
    }
    if (!head) {
      const parsed = header.safeParse(value);
      if (!parsed.success) throw new TraceError(i + 1, `bad header: ${describe(parsed.error)}`);
      head = parsed.data;
      continue;
    }
    const isTruth = typeof value === 'object' && value !== null && 'person' in value;
    const parsed = (isTruth ? truth : reading).safeParse(value);
    if (!parsed.success) throw new TraceError(i + 1, `bad ${isTruth ? 'ground-truth line' : 'reading'}: ${describe(parsed.error)}`);
    if (isTruth) truths.push(parsed.data as TraceTruth);
    else readings.push(parsed.data as TraceReading);
  }
  if (!head) throw new TraceError(1, 'empty trace: the header line is missing');
  const nodes = new Set(head.nodes.map((n) => n.node));
  const trackers = new Set(head.devices.map((d) => d.tracker));
  const people = new Set(head.devices.map((d) => d.person));
  for (const r of readings) {
    if (!nodes.has(r.node)) throw new TraceError(0, `reading at t=${r.t} names unknown node "${r.node}"`);
    if (!trackers.has(r.tracker)) throw new TraceError(0, `reading at t=${r.t} names unknown tracker "${r.tracker}"`);
  }
  for (const g of truths) {
    if (!people.has(g.person)) throw new TraceError(0, `ground truth at t=${g.t} names unknown person "${g.person}"`);
  }
  const byTime = <T extends { t: number }>(a: T, b: T): number => a.t - b.t;
  return { header: head, readings: readings.sort(byTime), truth: truths.sort(byTime) };
}

/** Lines in time order; ground truth before readings of the same t. Stable key order. */
export function formatTrace(trace: Trace): string {
  const h = trace.header;
  const head: Record<string, unknown> = {
    format: TRACE_FORMAT,
    version: 1,
    report_interval: h.report_interval,
    nodes: h.nodes.map((n) => ({ node: n.node, room: n.room, rssi_offset: n.rssi_offset })),
    devices: h.devices.map((d) => ({ tracker: d.tracker, person: d.person })),
  };
  if (h.meta) head['meta'] = h.meta;
  const lines: Array<{ t: number; order: number; text: string }> = [];
  trace.truth.forEach((g, i) => lines.push({ t: g.t, order: i, text: JSON.stringify({ t: g.t, person: g.person, room: g.room }) }));
  const base = trace.truth.length;
  trace.readings.forEach((r, i) =>
    lines.push({ t: r.t, order: base + i, text: JSON.stringify({ t: r.t, node: r.node, tracker: r.tracker, rssi: r.rssi }) }),
  );
  lines.sort((a, b) => a.t - b.t || a.order - b.order);
  return [JSON.stringify(head), ...lines.map((l) => l.text)].join('\n') + '\n';
}

/** The true room of a person at t (the last ground-truth line at or before t). */
export function truthAt(truths: readonly TraceTruth[], person: string, t: number): string | undefined {
  let room: string | undefined;
  for (const g of truths) {
    if (g.t > t) break;
    if (g.person === person) room = g.room;
  }
  return room;
}
