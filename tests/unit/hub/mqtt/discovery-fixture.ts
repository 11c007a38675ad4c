/** The discovery context both discovery tests use, and what HA gets for routine `morning-meds` under it. */
import type { DiscoveryContext, PublishOptions } from '../../../../src/discovery/discovery.js';

export const ctx: DiscoveryContext = { prefix: 'homeassistant', baseTopic: 'hearth', version: '1.2.3' };
export const RETAINED_QOS1: PublishOptions = { retain: true, qos: 1 };

/** The config topics of routine `morning-meds` with their publish options, in publish order. */
export const MORNING_MEDS_CONFIGS: Array<[string, PublishOptions]> = [
  ['homeassistant/sensor/hearth/routine_morning_meds/config', RETAINED_QOS1],
  ['homeassistant/button/hearth/routine_morning_meds_done/config', RETAINED_QOS1],
  ['homeassistant/button/hearth/routine_morning_meds_snooze/config', RETAINED_QOS1],
  ['homeassistant/button/hearth/routine_morning_meds_skip/config', RETAINED_QOS1],
];

/** The whole sensor config of routine `morning-meds` titled `title`. */
export function morningMedsSensor(title: string): Record<string, unknown> {
  return {
    name: null,
    unique_id: 'hearth_routine_morning_meds',
    default_entity_id: 'sensor.routine_morning_meds',
    device_class: 'enum',
    options: ['idle', 'due', 'nagging', 'done', 'snoozed', 'skipped', 'missed'],
    icon: 'mdi:calendar-check',
    state_topic: 'hearth/routine/morning-meds/state',
    json_attributes_topic: 'hearth/routine/morning-meds/attributes',
    device: {
      identifiers: ['hearth_routine_morning_meds'],
      name: title,
      manufacturer: 'hearth',
      model: 'Routine',
      sw_version: '1.2.3',
    },
    availability_topic: 'hearth/status',
    payload_available: 'online',
    payload_not_available: 'offline',
    origin: { name: 'hearth', sw_version: '1.2.3' },
  };
}
