/**
 * A probe preloaded into a `hearth run` child (`node --import tsx --import bench/lib/hub-probe.ts`)
 * by bench/hub-latency.ts; nothing in src/ knows about it. It patches the `ws` WebSocket the
 * hub's HA connection uses, to timestamp (CLOCK_MONOTONIC ns, `process.hrtime.bigint()`, the
 * clock of the emulator's `mono_ns`):
 *
 * - `in`: every websocket frame from HA that names one of HEARTH_PROBE_ENTITIES (comma
 *   separated), taken before any listener runs (the moment the frame reaches hearth's code);
 * - `out`: every `call_service` hearth sends for the `light` domain, taken when hearth hands
 *   the frame to `ws.send` (the moment hearth is done deciding).
 *
 * `out − in` is hearth's own handling time of a press, from the frame's arrival to the LED
 * command leaving (the JSON parse, subscribe_entities diff, press filter, state machine,
 * SQLite writes, MQTT publishes: whatever runs before the send).
 *
 * On SIGUSR2 it writes `{in, out, memory}` as JSON to HEARTH_PROBE_FILE (atomically) and
 * clears the records. Without HEARTH_PROBE_ENTITIES only `memory` is reported.
 */
import { renameSync, writeFileSync } from 'node:fs';
import WebSocket from 'ws';

interface InRecord {
  mono_ns: number;
  entity: string;
  bytes: number;
}
interface OutRecord {
  mono_ns: number;
  service: string;
  entity_id: unknown;
  id: unknown;
}

const file = process.env.HEARTH_PROBE_FILE;
const entities = (process.env.HEARTH_PROBE_ENTITIES ?? '').split(',').filter(Boolean);
const inRecords: InRecord[] = [];
const outRecords: OutRecord[] = [];
const now = (): number => Number(process.hrtime.bigint());

if (entities.length) {
  const proto = WebSocket.prototype as unknown as {
    emit: (event: string | symbol, ...args: unknown[]) => boolean;
    send: (data: unknown, ...rest: unknown[]) => void;
  };
  const emit = proto.emit;
  proto.emit = function (this: unknown, event: string | symbol, ...args: unknown[]) {
    if (event === 'message') {
      const t = now();
      const data = args[0];
      const text = Buffer.isBuffer(data) ? data.toString('latin1') : typeof data === 'string' ? data : '';
      for (const entity of entities) {
        if (text.includes(entity)) {
          inRecords.push({ mono_ns: t, entity, bytes: text.length });
          if (inRecords.length > 10_000) inRecords.splice(0, 5_000);
        }
      }
    }
    return emit.call(this, event, ...args);
  };
  const send = proto.send;
  proto.send = function (this: unknown, data: unknown, ...rest: unknown[]) {
    const t = now();
    send.call(this, data, ...rest);
    if (typeof data === 'string' && data.includes('"call_service"') && data.includes('"light"')) {
      try {
        const m = JSON.parse(data) as { id?: unknown; service?: string; target?: { entity_id?: unknown } };
        outRecords.push({ mono_ns: t, service: m.service ?? '?', entity_id: m.target?.entity_id, id: m.id });
        if (outRecords.length > 10_000) outRecords.splice(0, 5_000);
      } catch {
        /* not JSON */
      }
    }
  };
}

if (file) {
  process.on('SIGUSR2', () => {
    const dump = { in: inRecords.splice(0), out: outRecords.splice(0), memory: process.memoryUsage(), mono_ns: now() };
    writeFileSync(`${file}.tmp`, JSON.stringify(dump));
    renameSync(`${file}.tmp`, file);
  });
}
