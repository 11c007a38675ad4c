/**
 * The one contract every part of the running hub keeps: a unit has a name, starts, stops, and
 * says what it publishes again when a link comes back. The service (service.ts) starts the
 * units in order and stops them in reverse, each in its own try/catch: one failing does not
 * stop the rest (the shape of Zigbee2MQTT's extensions and their controller).
 *
 * Units built from the configuration (reminders, presence; the life coach and the dashboard
 * join here) are made by a UnitFactory from one shared UnitDeps, and are made again when the
 * configuration is reloaded or Home Assistant's entity ids differ from the derived ones.
 */
import type { Household } from '../config/household.js';
import type { DeviceEntities } from '../config/entity-ids.js';
import type { Logger } from '../log.js';
import type { Clock } from './clock.js';
import type { HaClient } from './ha/client.js';
import type { Metrics } from './metrics.js';
import type { HubMqtt } from './mqtt/client.js';
import type { DiscoveryContext } from '../discovery/discovery.js';
import type { Store } from './store/store.js';

/**
 * A link that came back: `mqtt`, the discovery configs were just published again (the broker
 * connected, or HA announced itself `online` on MQTT: its entities need their states);
 * `homeassistant`, the websocket reached RUNNING again (service calls lost in the gap are
 * re-asserted, e.g. the button LEDs).
 */
export type Link = 'mqtt' | 'homeassistant';

export interface HubUnit {
  /** Names the unit in logs, /api/status `failures` and the start order. */
  readonly name: string;
  /** Subscribes and starts timers; a throw is logged and reported, the other units go on. */
  start(): void | Promise<void>;
  /** Unsubscribes, clears timers, writes what it decided; idempotent. */
  stop(): void | Promise<void>;
  /** What the unit publishes again when a link comes back (see Link). */
  onReconnect?(link: Link): void;
}

/** What every configuration-built unit is made from: the hub's connections and the configuration in force. */
export interface UnitDeps {
  household: Household;
  /** The household's devices with the entity ids in use (as HA named them, once resolved). */
  devices: DeviceEntities[];
  ha: HaClient;
  mqtt: HubMqtt;
  store: Store;
  context: DiscoveryContext;
  clock: Clock;
  logger: Logger;
  metrics?: Metrics;
  /** The hub's state directory (`state_dir`, $STATE_DIRECTORY or ./state): where units keep files. */
  stateDir?: string;
  /** Where the life coach runs, seen from this process (service.ts decides; default: here). */
  coach?: CoachPlacement;
}

/**
 * The life coach's placement as this process sees it (`hearth run --only lifecoach`,
 * `--no-lifecoach`, `lifecoach.placement`): `coach` = it runs here; `stills` = it runs in
 * another process or on another host, and this hearth serves its cameras' stills; `off`.
 */
export interface CoachPlacement {
  role: 'coach' | 'stills' | 'off';
  /** A coach-only hearth: the hub hearth its stills come from, and that hub's bearer token. */
  hub?: { url: string; token: string };
  /** A coach-only hearth's own availability topic (the hub's `<base>/status` stays the hub's). */
  availabilityTopic?: string;
}

/**
 * Makes a configuration-built unit. `previous` is the unit it replaces (already stopped) on a
 * reload or entity-id change: a unit carries over whatever state the new configuration does not
 * change, so its entities do not change either.
 */
export interface UnitFactory<U extends HubUnit = HubUnit> {
  readonly name: string;
  create(deps: UnitDeps, previous: U | undefined): U;
}
