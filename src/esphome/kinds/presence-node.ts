import type { Tracker } from '../../config/hearth-config.js';
import type { PresenceNodeSpec } from '../../config/kinds/index.js';
import { entityWithRole, trackedTrackers } from '../../config/device-entities.js';
import { period, type EmitContext, type KindEmitter } from '../context.js';
import { secret, type ConfigObject } from '../values.js';
import { trackerSecretName } from '../../config/tracker-keys.js';

/**
 * How the sensor recognises the tracker: IRK, iBeacon UUID (+ major/minor) or a fixed MAC. The
 * key itself is always a `!secret` reference (config/tracker-keys.ts: a key that follows a
 * person never appears in a generated file); `hearth esphome secrets` writes its value.
 */
function matchBy(tracker: Tracker): ConfigObject {
  const key = secret(trackerSecretName(tracker));
  switch (tracker.type) {
    case 'irk':
      return { irk: key };
    case 'ibeacon':
      return { ibeacon_uuid: key, ibeacon_major: tracker.major, ibeacon_minor: tracker.minor };
    case 'mac':
      return { mac_address: key };
  }
}

/**
 * ESP32 BLE scanner: one `ble_rssi` sensor per tracked tracker. Passive scanning (phones
 * advertise on their own; active scans cost power and airtime). Each sensor averages what it
 * heard over `report_interval` and reports that average every interval (`throttle_average`),
 * with `force_update` so HA records a reading even when it equals the last one; a tracker not
 * heard during a scan reads NaN (HA: unknown) at the end of that scan.
 */
export const presenceNode: KindEmitter<'presence-node'> = {
  emit(spec: PresenceNodeSpec, ctx: EmitContext, entities) {
    // Scans end (and unseen trackers read NaN) every `duration`: a few report intervals, 30 s–5 min.
    const scanSeconds = Math.min(300, Math.max(30, spec.report_interval * 3));
    const sensors: ConfigObject[] = trackedTrackers(spec, ctx).map((tracker) => {
      const rssi = entityWithRole(entities, 'rssi', tracker.id);
      const filters: ConfigObject[] = [];
      if (spec.rssi_offset !== 0) filters.push({ offset: spec.rssi_offset });
      filters.push({ throttle_average: period(spec.report_interval) });
      return {
        platform: 'ble_rssi',
        name: rssi.name,
        ...matchBy(tracker),
        unit_of_measurement: rssi.unit,
        device_class: rssi.deviceClass,
        state_class: rssi.stateClass,
        accuracy_decimals: 0,
        force_update: rssi.forceUpdate,
        filters,
      };
    });
    return {
      esp32_ble_tracker: {
        scan_parameters: { active: false, interval: '320ms', window: '300ms', duration: period(scanSeconds) },
      },
      sensor: sensors.length > 0 ? sensors : undefined,
    };
  },
};
