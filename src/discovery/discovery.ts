/**
 * HA MQTT discovery payloads for hearth's own entities, the way Zigbee2MQTT does it:
 * a retained config per entity on `<prefix>/<component>/<node_id>/<object_id>/config`, a
 * `unique_id`, a `device` block, an `origin`, availability on hearth's status topic, and
 * `default_entity_id` (HA ≥ 2025.10; `object_id` is deprecated). Pure: no I/O here.
 *
 * Naming follows HA's entity naming guidelines: MQTT entities have `has_entity_name = True`
 * (homeassistant/components/mqtt/entity.py), so HA shows "<device name> <entity name>" and an
 * entity's `name` never repeats its device's; `name: null` marks the device's main feature
 * (the entity is then called after the device). Devices get a `suggested_area` (the area of
 * the household's devices that serve them), so HA places them in rooms. Sensors whose states
 * are a fixed set are `device_class: enum` with `options`. MQTT entities cannot carry a
 * `translation_key` (not in mqtt/schemas.py, HA 2026.10), so states stay the stable values
 * automations match on (`done`, `away`); the dashboard shows them as words.
 *
 * A leaf room: it imports nothing, so the config checks (config/derived-names.ts: two ids that
 * would share a unique_id or topic), the hub and the dashboard all use the one naming scheme.
 */

export interface PublishOptions {
  retain: boolean;
  qos: 0 | 1 | 2;
}

export interface MqttMessage {
  topic: string;
  payload: string;
  options: PublishOptions;
}

export interface DiscoveryContext {
  /** `homeassistant` unless configured otherwise. */
  prefix: string;
  /** `hearth` unless configured otherwise: root of hearth's own topics. */
  baseTopic: string;
  /** hearth's version, for `origin` and the devices' `sw_version`. */
  version: string;
  /** Node id in discovery topics; one hearth per broker, so a constant. */
  nodeId?: string;
}

export interface RoutineEntity {
  id: string;
  title: string;
  /** HA area of the device that acknowledges it (its button), for `suggested_area`. */
  area?: string;
}

export interface PersonEntity {
  id: string;
  name: string;
  /**
   * Every room the person can be reported in (presence-node `room:` values). Given, the room
   * sensor is an enum of these and `away`; left out, a free-text sensor.
   */
  rooms?: string[];
}

/** What `sensor.<person>_room` reports when no presence node hears the person. */
export const AWAY = 'away';

/** The states a routine sensor can show. */
export const ROUTINE_STATES = ['idle', 'due', 'nagging', 'done', 'snoozed', 'skipped', 'missed'] as const;
/** What a routine's buttons (and command topic) accept. */
export const ROUTINE_COMMANDS = ['done', 'snooze', 'skip'] as const;
export type RoutineCommand = (typeof ROUTINE_COMMANDS)[number];

export const RETAINED: PublishOptions = { retain: true, qos: 1 };

/** HA entity ids allow [a-z0-9_]; hearth ids may also hold '-'. */
export const entitySlug = (id: string): string => id.replace(/-/g, '_');

// --- unique ids (how the dashboard finds hearth's entities in HA's entity registry) -----
/** `unique_id` of a routine's state sensor, or of one of its buttons. */
export const routineUniqueId = (id: string, command?: RoutineCommand): string =>
  `hearth_routine_${entitySlug(id)}${command ? `_${command}` : ''}`;
/** `unique_id` of a person's room sensor or BLE device tracker. */
export const personUniqueId = (id: string, entity: 'room' | 'ble'): string => `hearth_${entitySlug(id)}_${entity}`;

// --- topics ------------------------------------------------------------------------------
export const availabilityTopic = (ctx: DiscoveryContext): string => `${ctx.baseTopic}/status`;
export const haStatusTopic = (ctx: DiscoveryContext): string => `${ctx.prefix}/status`;
export const routineStateTopic = (ctx: DiscoveryContext, id: string): string => `${ctx.baseTopic}/routine/${id}/state`;
export const routineAttributesTopic = (ctx: DiscoveryContext, id: string): string => `${ctx.baseTopic}/routine/${id}/attributes`;
export const routineCommandTopic = (ctx: DiscoveryContext, id: string): string => `${ctx.baseTopic}/routine/${id}/set`;
/** Subscription filter matching every routine's command topic. */
export const routineCommandFilter = (ctx: DiscoveryContext): string => `${ctx.baseTopic}/routine/+/set`;
export const personRoomTopic = (ctx: DiscoveryContext, id: string): string => `${ctx.baseTopic}/person/${id}/room`;
export const personTrackerTopic = (ctx: DiscoveryContext, id: string): string => `${ctx.baseTopic}/person/${id}/tracker`;
export const personAttributesTopic = (ctx: DiscoveryContext, id: string): string => `${ctx.baseTopic}/person/${id}/attributes`;

export const configTopic = (ctx: DiscoveryContext, component: string, objectId: string): string =>
  `${ctx.prefix}/${component}/${ctx.nodeId ?? 'hearth'}/${objectId}/config`;

/** The routine id in a command topic, or undefined when the topic is not one. */
export function routineIdOfCommandTopic(ctx: DiscoveryContext, topic: string): string | undefined {
  const head = `${ctx.baseTopic}/routine/`;
  if (!topic.startsWith(head) || !topic.endsWith('/set')) return undefined;
  const id = topic.slice(head.length, -'/set'.length);
  return id && !id.includes('/') ? id : undefined;
}

// --- blocks shared by every config -------------------------------------------------------
/** No `support_url`: it is optional, and hearth has no public home page to point to. */
function origin(ctx: DiscoveryContext): Record<string, string> {
  return { name: 'hearth', sw_version: ctx.version };
}

function availability(ctx: DiscoveryContext): Record<string, string> {
  return { availability_topic: availabilityTopic(ctx), payload_available: 'online', payload_not_available: 'offline' };
}

/** HA's MQTT device block; `suggested_area` puts a new device in that area (HA creates it if needed). */
function device(ctx: DiscoveryContext, identifier: string, name: string, model: string, area?: string): Record<string, unknown> {
  return {
    identifiers: [identifier],
    name,
    manufacturer: 'hearth',
    model,
    sw_version: ctx.version,
    ...(area ? { suggested_area: area } : {}),
  };
}

function config(ctx: DiscoveryContext, component: string, objectId: string, body: Record<string, unknown>): MqttMessage {
  const payload = { ...body, ...availability(ctx), origin: origin(ctx) };
  return { topic: configTopic(ctx, component, objectId), payload: JSON.stringify(payload), options: RETAINED };
}

// --- entities ----------------------------------------------------------------------------
/**
 * A routine: one HA device named by its title ("Take morning meds", model "Routine"), its
 * state sensor as the device's main feature (`name: null`, so it is called "Take morning
 * meds" too) and the buttons "Done", "Snooze", "Skip today" (HA shows "Take morning meds
 * Done"). Entity ids stay `sensor.routine_<id>`, `button.routine_<id>_<command>`.
 */
export function routineDiscovery(ctx: DiscoveryContext, routine: RoutineEntity): MqttMessage[] {
  const slug = entitySlug(routine.id);
  const dev = device(ctx, `hearth_routine_${slug}`, routine.title, 'Routine', routine.area);
  const messages = [
    config(ctx, 'sensor', `routine_${slug}`, {
      name: null,
      unique_id: routineUniqueId(routine.id),
      default_entity_id: `sensor.routine_${slug}`,
      device_class: 'enum',
      options: [...ROUTINE_STATES],
      icon: 'mdi:calendar-check',
      state_topic: routineStateTopic(ctx, routine.id),
      json_attributes_topic: routineAttributesTopic(ctx, routine.id),
      device: dev,
    }),
  ];
  const buttons: Array<[RoutineCommand, string, string]> = [
    ['done', 'Done', 'mdi:check'],
    ['snooze', 'Snooze', 'mdi:alarm-snooze'],
    ['skip', 'Skip today', 'mdi:debug-step-over'],
  ];
  for (const [command, name, icon] of buttons) {
    messages.push(
      config(ctx, 'button', `routine_${slug}_${command}`, {
        name,
        unique_id: routineUniqueId(routine.id, command),
        default_entity_id: `button.routine_${slug}_${command}`,
        icon,
        command_topic: routineCommandTopic(ctx, routine.id),
        payload_press: command,
        qos: 1,
        retain: false,
        device: dev,
      }),
    );
  }
  return messages;
}

/**
 * A person: one HA device named after them ("Sam", model "Room presence", no area: people
 * move) with `sensor.<person>_room` ("Sam Room": a room id or `away`, an enum when the rooms
 * are known) and a BLE `device_tracker` as the device's main feature (`name: null`, "Sam"),
 * the one to attach to HA's person.
 */
export function personDiscovery(ctx: DiscoveryContext, person: PersonEntity): MqttMessage[] {
  const slug = entitySlug(person.id);
  const dev = device(ctx, `hearth_person_${slug}`, person.name, 'Room presence');
  const rooms = person.rooms ? [...new Set([...person.rooms, AWAY])] : undefined;
  return [
    config(ctx, 'sensor', `${slug}_room`, {
      name: 'Room',
      unique_id: personUniqueId(person.id, 'room'),
      default_entity_id: `sensor.${slug}_room`,
      ...(rooms ? { device_class: 'enum', options: rooms } : {}),
      icon: 'mdi:home-map-marker',
      state_topic: personRoomTopic(ctx, person.id),
      json_attributes_topic: personAttributesTopic(ctx, person.id),
      device: dev,
    }),
    config(ctx, 'device_tracker', `${slug}_ble`, {
      name: null,
      unique_id: personUniqueId(person.id, 'ble'),
      default_entity_id: `device_tracker.${slug}_ble`,
      source_type: 'bluetooth_le',
      state_topic: personTrackerTopic(ctx, person.id),
      payload_home: 'home',
      payload_not_home: 'not_home',
      json_attributes_topic: personAttributesTopic(ctx, person.id),
      device: dev,
    }),
  ];
}

/** Every config hearth publishes for a household, in a stable order. */
export function householdDiscovery(ctx: DiscoveryContext, household: { routines: RoutineEntity[]; people: PersonEntity[] }): MqttMessage[] {
  return [...household.routines.flatMap((r) => routineDiscovery(ctx, r)), ...household.people.flatMap((p) => personDiscovery(ctx, p))];
}

/**
 * The retained topics a config's entity reads its state from (`state_topic`,
 * `json_attributes_topic`, `*_state_topic`), as its payload names them. Not the availability
 * topic: that one is hearth's own and shared by every entity.
 */
export function entityStateTopics(config: MqttMessage): string[] {
  if (config.payload === '') return [];
  let body: unknown;
  try {
    body = JSON.parse(config.payload);
  } catch {
    return [];
  }
  if (typeof body !== 'object' || body === null) return [];
  return Object.entries(body as Record<string, unknown>)
    .filter(
      ([key, value]) =>
        typeof value === 'string' &&
        value !== '' &&
        (key === 'state_topic' || key === 'json_attributes_topic' || key.endsWith('_state_topic')),
    )
    .map(([, value]) => value as string);
}

/**
 * Every retained topic hearth owns for these configs: the config topics, then the state and
 * attributes topics they name. This is what the store remembers, so that what a removed
 * entity left on the broker can be cleared later, across restarts too.
 */
export function ownedTopics(configs: MqttMessage[]): string[] {
  const configTopics = configs.map((m) => m.topic);
  const stateTopics = configs.flatMap(entityStateTopics);
  return [...new Set([...configTopics, ...stateTopics])];
}

const isConfigTopic = (topic: string): boolean => topic.endsWith('/config');

/**
 * Empty retained payloads that remove what was published before but is not wanted now:
 * configs of entities that no longer exist (first, so HA drops the entity before its state
 * goes), then the retained state/attributes topics that only they used.
 */
export function staleConfigClears(previousTopics: Iterable<string>, current: MqttMessage[]): MqttMessage[] {
  const wanted = new Set(ownedTopics(current));
  return [...new Set(previousTopics)]
    .filter((t) => !wanted.has(t))
    .sort((a, b) => Number(isConfigTopic(b)) - Number(isConfigTopic(a)) || (a < b ? -1 : a > b ? 1 : 0))
    .map((topic) => ({ topic, payload: '', options: RETAINED }));
}

/** HA states are at most 255 characters; longer text belongs in attributes. */
export function clampState(text: string, max = 255): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A retained state/attributes message. */
export const stateMessage = (topic: string, value: string | Record<string, unknown>): MqttMessage => ({
  topic,
  payload: typeof value === 'string' ? clampState(value) : JSON.stringify(value),
  options: RETAINED,
});
