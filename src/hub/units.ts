/** The hub's running units as the hub holds them (each undefined until started, or when it failed). */
import type { HaClient } from './ha/client.js';
import type { HubMqtt } from './mqtt/client.js';
import type { PresenceUnit } from './presence/unit.js';
import type { Reminders } from './reminders/unit.js';
import type { Store } from './store/store.js';

export interface HubUnits {
  ha: HaClient | undefined;
  mqtt: HubMqtt | undefined;
  store: Store | undefined;
  reminders: Reminders | undefined;
  presence: PresenceUnit | undefined;
}
