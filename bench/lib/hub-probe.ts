/**
 * A probe preloaded into a `hearth run` child (`node --import tsx --import bench/lib/hub-probe.ts`)
 * by bench/hub-latency.ts; nothing in src/ knows about it. It patches the `ws` WebSocket the
 * hub's HA connection uses, to timestamp (CLOCK_MONOTONIC ns, `process.hrtime.bigint()`, the
 * clock of the emulator's `mono_ns`):
 *
 * - `in`: every websocket frame from HA that names one of HEARTH_PROBE_ENTITIES (comma
 *   separated; one record per entity named, as a JSON string), taken before any listener runs (the moment the frame reaches hearth's code);
 *   `raw_ns` is when the last TCP chunk before it arrived on the socket (`data`), so
 *   `mono_ns − raw_ns` is the wait for the event loop (the hub turns permessage-deflate off,
 *   src/hub/ha/socket.ts: no inflate; the `extensions` dump shows what was negotiated);
 * - `out`: every `call_service` hearth sends for the `light` domain: `mono_ns` when hearth
 *   hands it to `ws.send` (done deciding), `written_ns` when the frame is
 *   written to the socket (synchronous without deflate).
 *
 * `written_ns − raw_ns` is hearth's own handling time of a press, from the frame reaching the
 * process to the LED command leaving it; `mono_ns(out) − mono_ns(in)` is the part in hearth's
 * own code (JSON parse, subscribe_entities diff, press filter, state machine, up to the send).
 *
 * On SIGUSR2 it writes `{in, out, memory}` as JSON to HEARTH_PROBE_FILE (atomically) and
 * clears the records. Without HEARTH_PROBE_ENTITIES only `memory` is reported.
 */
import { renameSync, writeFileSync } from 'node:fs';
import WebSocket from 'ws';

interface InRecord {
  mono_ns: number;
  raw_ns: number | undefined;
  entity: string;
  bytes: number;
}
interface OutRecord {
  mono_ns: number;
  written_ns?: number;
  service: string;
  entity_id: unknown;
  id: unknown;
}

const file = process.env.HEARTH_PROBE_FILE;
const entities = (process.env.HEARTH_PROBE_ENTITIES ?? '').split(',').filter(Boolean);
const inRecords: InRecord[] = [];
const outRecords: OutRecord[] = [];
/** Extensions negotiated per websocket the hub opened (permessage-deflate or none). */
const extensions: string[] = [];
const now = (): number => Number(process.hrtime.bigint());

if (entities.length) {
  type Probed = { __lastData?: number; __pendingOut?: OutRecord[]; _extensions?: Record<string, unknown> };
  const proto = WebSocket.prototype as unknown as {
    emit: (event: string | symbol, ...args: unknown[]) => boolean;
    send: (data: unknown, ...rest: unknown[]) => void;
    setSocket: (socket: import('node:net').Socket, ...rest: unknown[]) => void;
  };
  const setSocket = proto.setSocket;
  proto.setSocket = function (this: Probed, socket, ...rest) {
    setSocket.call(this, socket, ...rest);
    extensions.push(Object.keys(this._extensions ?? {}).join(',') || 'none');
    const probed = (): Probed => this;
    socket.prependListener('data', () => {
      probed().__lastData = now();
    });
    const write = socket.write as (...a: unknown[]) => boolean;
    socket.write = ((...args: unknown[]) => {
      const pending = probed().__pendingOut;
      if (pending?.length) {
        const t = now();
        for (const r of pending) r.written_ns = t;
        pending.length = 0;
      }
      return write.apply(socket, args);
    }) as typeof socket.write;
  };
  const emit = proto.emit;
  proto.emit = function (this: Probed, event: string | symbol, ...args: unknown[]) {
    if (event === 'message') {
      const t = now();
      const data = args[0];
      const text = Buffer.isBuffer(data) ? data.toString('latin1') : typeof data === 'string' ? data : '';
      for (const entity of entities) {
        // Quoted: `event.burst_button_1` must not match `event.burst_button_10`'s frames.
        if (text.includes(`"${entity}"`)) {
          inRecords.push({ mono_ns: t, raw_ns: this.__lastData, entity, bytes: text.length });
          if (inRecords.length > 10_000) inRecords.splice(0, 5_000);
        }
      }
    }
    return emit.call(this, event, ...args);
  };
  const send = proto.send;
  proto.send = function (this: Probed, data: unknown, ...rest: unknown[]) {
    const t = now();
    let record: OutRecord | undefined;
    if (typeof data === 'string' && data.includes('"call_service"') && data.includes('"light"')) {
      record = { mono_ns: t, service: '?', entity_id: undefined, id: undefined };
      (this.__pendingOut ??= []).push(record);
    }
    send.call(this, data, ...rest);
    if (record) {
      try {
        const m = JSON.parse(data as string) as { id?: unknown; service?: string; target?: { entity_id?: unknown } };
        Object.assign(record, { service: m.service ?? '?', entity_id: m.target?.entity_id, id: m.id });
      } catch {
        /* not JSON */
      }
      outRecords.push(record);
      if (outRecords.length > 10_000) outRecords.splice(0, 5_000);
    }
  };
}

if (file) {
  process.on('SIGUSR2', () => {
    const dump = { in: inRecords.splice(0), out: outRecords.splice(0), extensions, memory: process.memoryUsage(), mono_ns: now() };
    writeFileSync(`${file}.tmp`, JSON.stringify(dump));
    renameSync(`${file}.tmp`, file);
  });
}
