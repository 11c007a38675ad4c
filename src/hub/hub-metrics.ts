/**
 * The hub's own series on /metrics: connection state and counters of the units (read when
 * /metrics is rendered, so a unit restarted by a reload reports through the same series),
 * pending routines, and process memory under the names prom-client's default metrics use.
 * Units register their own series (e.g. the reminders' press histograms) themselves.
 */
import type { Metrics } from './metrics.js';
import type { HubView } from './hub-view.js';

export function registerHubMetrics(metrics: Metrics, units: () => HubView, startedAt: number): void {
  const up = (s: string | undefined) => (s === 'connected' || s === 'ok' ? 1 : 0);
  metrics.gauge(
    'hearth_up',
    'Connection state per component (1 connected)',
    () => {
      const { ha, mqtt, store } = units();
      return [
        [{ component: 'homeassistant' }, up(ha?.state)],
        [{ component: 'mqtt' }, up(mqtt?.state)],
        [{ component: 'store' }, up(store?.healthy() ? 'ok' : 'error')],
      ];
    },
    ['component'],
  );
  metrics.countedElsewhere(
    'hearth_ha_connects_total',
    'Websocket connections made to Home Assistant',
    () => units().ha?.stats.connects ?? 0,
  );
  metrics.countedElsewhere(
    'hearth_ha_heartbeat_timeouts_total',
    'Heartbeats without a pong (forced reconnects)',
    () => units().ha?.stats.heartbeatTimeouts ?? 0,
  );
  metrics.countedElsewhere(
    'hearth_ha_state_changes_total',
    'Entity state changes received from Home Assistant',
    () => units().ha?.stats.stateChanges ?? 0,
  );
  metrics.countedElsewhere('hearth_mqtt_connects_total', 'MQTT connections made', () => units().mqtt?.stats.connects ?? 0);
  metrics.countedElsewhere('hearth_mqtt_published_total', 'MQTT messages published', () => units().mqtt?.stats.published ?? 0);
  metrics.countedElsewhere(
    'hearth_mqtt_received_total',
    'MQTT messages received (commands, Home Assistant status)',
    () => units().mqtt?.stats.received ?? 0,
  );
  metrics.gauge(
    'hearth_routine_pending',
    'Routines pending (due or nagging), by routine',
    () => (units().reminders?.list() ?? []).map((r) => [{ routine: r.id }, r.pending ? 1 : 0] as [Record<string, string>, number]),
    ['routine'],
  );
  // The names prom-client's default metrics use (process_*, nodejs_*): these five, not
  // collectDefaultMetrics (its event-loop-lag monitor and GC observer cost CPU on every scrape
  // interval and add ~30 series nobody reads here).
  metrics.gauge('process_resident_memory_bytes', 'Resident memory size in bytes', () => process.memoryUsage.rss());
  metrics.gauge('nodejs_heap_size_used_bytes', 'Process heap size used from Node.js in bytes', () => process.memoryUsage().heapUsed);
  metrics.gauge('nodejs_heap_size_total_bytes', 'Process heap size from Node.js in bytes', () => process.memoryUsage().heapTotal);
  metrics.gauge('nodejs_external_memory_bytes', 'Node.js external memory size in bytes', () => process.memoryUsage().external);
  metrics.gauge('process_start_time_seconds', 'Start time of the process since the epoch in seconds', () => startedAt / 1000);
}
