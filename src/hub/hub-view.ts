/**
 * The hub's running parts as /api/status, the routine endpoints and /metrics read them, at the
 * time of the request (each undefined until started, or when it failed; a reload swaps units).
 */
import type { HaClient } from './ha/client.js';
import type { LifecoachUnit } from './lifecoach/unit.js';
import type { HubMqtt } from './mqtt/client.js';
import type { PresenceUnit } from './presence/unit.js';
import type { Reminders } from './reminders/unit.js';
import type { Store } from './store/store.js';

export interface HubView {
  ha: HaClient | undefined;
  mqtt: HubMqtt | undefined;
  store: Store | undefined;
  reminders: Reminders | undefined;
  presence: PresenceUnit | undefined;
  lifecoach?: LifecoachUnit | undefined;
}
