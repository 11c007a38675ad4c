/**
 * The `hearth_load` custom integration's services (bench/lib/ha/), called over
 * HA's websocket: `start` creates `sensor.load_<n>` and changes them round-robin on HA's event
 * loop, `clear` removes them. Used by bench/hub-load.ts and bench/lifecoach.ts.
 */
import type { Connection } from 'home-assistant-js-websocket';

/** What `hearth_load.start` / `clear` answer (rates per second, times in seconds). */
export interface LoadFigures {
  entities: number;
  target_rate: number;
  changes: number;
  seconds: number;
  achieved_rate: number;
  max_lag_changes: number;
  create_seconds: number;
  running: boolean;
  stopped_early: boolean;
}

/** Calls `hearth_load.<service>` inside HA and returns its response. */
export async function loadService(conn: Connection, service: 'start' | 'clear', data: Record<string, unknown> = {}): Promise<LoadFigures> {
  const r = await conn.sendMessagePromise<{ response: LoadFigures }>({
    type: 'call_service',
    domain: 'hearth_load',
    service,
    service_data: data,
    return_response: true,
  });
  return r.response;
}
