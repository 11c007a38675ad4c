/**
 * The household's Lovelace dashboard, generated from the parsed household and what one HA
 * has (registries, states, loaded integrations). Pure: same input, same config.
 *
 * Views (all `sections` views): Routines (hearth's card with today's checklist when its
 * resource is available, then one section per routine: state, streak, Done / Snooze / Skip,
 * the LEDs of its buttons), one per room (who is here, the room's reminder buttons and
 * lights with their effects, its presence node's signals named by the trackers' labels,
 * the extra entities the room lists) and Coach (only when the life coach's entities exist).
 *
 * Rules: an entity id comes from HA's registries (hearth's MQTT entities by `unique_id`,
 * ESPHome ones through the hub's resolver), never from a name; a card is left out (and a
 * warning says so) when HA does not have its entity; `todo-list` and `picture-entity` appear
 * only when the `todo` / `camera` / `image` integration is loaded.
 */
import type { Household, LoadedDevice } from '../config/household.js';
import { trackerLabel } from '../config/names.js';
import { householdEntities, type DeviceEntities } from '../config/entity-ids.js';
import { resolveEntityIds } from '../ha-registry/entity-resolver.js';
import { entitySlug, personUniqueId, ROUTINE_COMMANDS, routineUniqueId, type RoutineCommand } from '../discovery/discovery.js';
import { CARD_TYPE, type HearthCardConfig, type HearthCardRoutine } from './card/config.js';
import {
  effectButton,
  heading,
  markdown,
  pictureEntity,
  pressTile,
  section,
  tile,
  todoList,
  view,
  wideTile,
  type Condition,
  type LovelaceCard,
  type LovelaceConfig,
  type LovelaceSection,
  type LovelaceView,
} from './cards.js';
import { coachDiscovery } from '../lifecoach/ha/discovery.js';
import { householdRooms, type Room } from './rooms.js';
import { entityExists, loaded, mqttEntityId, type HaSnapshot } from './snapshot.js';

export interface DashboardInput {
  household: Household;
  snapshot: HaSnapshot;
  /** hearth's card can be loaded by the browser (its Lovelace resource is registered). */
  customCard: boolean;
  /** Dashboard title (default "Home"). */
  title?: string;
}

export interface GeneratedDashboard {
  config: LovelaceConfig;
  /** What was left out and why, e.g. "routine morning-meds: HA has no sensor for it (is hearth running?)". */
  warnings: string[];
}

const BUTTON_LABELS: Record<RoutineCommand, [string, string]> = {
  done: ['Done', 'mdi:check'],
  snooze: ['Snooze', 'mdi:alarm-snooze'],
  skip: ['Skip today', 'mdi:debug-step-over'],
};

interface Resolved {
  /** device name → its ESPHome entities with the ids HA gave them (only those HA has). */
  devices: Map<string, DeviceEntities>;
  routineSensor: Map<string, string>;
  routineButtons: Map<string, Partial<Record<RoutineCommand, string>>>;
  personRoom: Map<string, string>;
}

function resolve(input: DashboardInput, warnings: string[]): Resolved {
  const { household, snapshot } = input;
  const resolution = resolveEntityIds(householdEntities(household), snapshot.entities, snapshot.devices);
  const devices = new Map<string, DeviceEntities>();
  for (const device of resolution.devices) {
    const present = device.entities.filter((e) => entityExists(snapshot, e.entityId));
    for (const e of device.entities)
      if (!present.includes(e))
        warnings.push(`device ${device.device}: HA has no ${e.domain} "${e.name}" (${e.entityId}); is the device added to HA?`);
    devices.set(device.device, { ...device, entities: present });
  }
  const routineSensor = new Map<string, string>();
  const routineButtons = new Map<string, Partial<Record<RoutineCommand, string>>>();
  for (const r of household.config.routines) {
    const sensor = mqttEntityId(snapshot, routineUniqueId(r.id));
    if (sensor) routineSensor.set(r.id, sensor);
    else
      warnings.push(`routine ${r.id}: HA has no state sensor for it (unique_id ${routineUniqueId(r.id)}); has hearth run against this HA?`);
    const buttons: Partial<Record<RoutineCommand, string>> = {};
    for (const command of ROUTINE_COMMANDS) {
      const id = mqttEntityId(snapshot, routineUniqueId(r.id, command));
      if (id) buttons[command] = id;
    }
    routineButtons.set(r.id, buttons);
  }
  const personRoom = new Map<string, string>();
  for (const p of household.config.people) {
    const id = mqttEntityId(snapshot, personUniqueId(p.id, 'room'));
    if (id) personRoom.set(p.id, id);
    else
      warnings.push(
        `person ${p.id}: HA has no room sensor for them (unique_id ${personUniqueId(p.id, 'room')}); has hearth run against this HA?`,
      );
  }
  return { devices, routineSensor, routineButtons, personRoom };
}

const role = (device: DeviceEntities | undefined, r: string, tracker?: string) =>
  device?.entities.find((e) => e.role === r && (tracker === undefined || e.tracker === tracker));

/** The cards of one routine: its state with streak and next due, its buttons, its LEDs. */
function routineCards(input: DashboardInput, resolved: Resolved, routineId: string): LovelaceCard[] {
  const routine = input.household.config.routines.find((r) => r.id === routineId)!;
  const cards: LovelaceCard[] = [];
  const sensor = resolved.routineSensor.get(routineId);
  if (sensor) cards.push(wideTile(sensor, { name: routine.title, state_content: ['state', 'streak', 'next_due'] }));
  const buttons = resolved.routineButtons.get(routineId) ?? {};
  for (const command of ROUTINE_COMMANDS) {
    const id = buttons[command];
    if (id) cards.push(pressTile(id, ...BUTTON_LABELS[command]));
  }
  return cards;
}

function ledCards(resolved: Resolved, device: LoadedDevice): LovelaceCard[] {
  const led = role(resolved.devices.get(device.spec.name), 'led');
  return led ? [wideTile(led.entityId, { name: `${resolved.devices.get(device.spec.name)!.friendlyName} LED` })] : [];
}

function routinesView(input: DashboardInput, resolved: Resolved): LovelaceView {
  const { household } = input;
  const sections: LovelaceSection[] = [];
  const cardRoutines: HearthCardRoutine[] = household.config.routines.flatMap((r) => {
    const entity = resolved.routineSensor.get(r.id);
    if (!entity) return [];
    return [{ entity, ...resolved.routineButtons.get(r.id) }];
  });
  if (input.customCard && cardRoutines.length) {
    const checkin = checkinSensor(household, coachEntities(household, input.snapshot));
    const card: HearthCardConfig = { type: CARD_TYPE, routines: cardRoutines, ...(checkin ? { checkin } : {}) };
    sections.push(section([heading('Today', 'mdi:format-list-checks'), { ...card }], 2));
  }
  for (const r of household.config.routines) {
    const buttons = household.devices.filter((d) => d.spec.kind === 'reminder-button' && d.spec.routine === r.id);
    const cards = [...routineCards(input, resolved, r.id), ...buttons.flatMap((d) => ledCards(resolved, d))];
    if (cards.length) sections.push(section([heading(r.title, 'mdi:calendar-check'), ...cards]));
  }
  if (!household.config.routines.length) sections.push(section([heading('Routines'), markdown('No routines in hearth.yaml yet.')]));
  return view('Routines', 'routines', sections);
}

/** Who is here: each person's room sensor, visible while it reports this room; else "Nobody". */
function whoIsHere(input: DashboardInput, resolved: Resolved, room: Room): LovelaceSection | undefined {
  const isPresenceRoom = room.devices.some((d) => d.spec.kind === 'presence-node');
  const people = input.household.config.people.filter((p) => resolved.personRoom.has(p.id));
  if (!isPresenceRoom || !people.length) return undefined;
  const cards: LovelaceCard[] = [heading('Who is here', 'mdi:account-multiple', 'subtitle')];
  const away: Condition[] = [];
  for (const p of people) {
    const entity = resolved.personRoom.get(p.id)!;
    cards.push(tile(entity, { name: p.name, icon: 'mdi:account', visibility: [{ condition: 'state', entity, state: room.id }] }));
    away.push({ condition: 'state', entity, state_not: room.id });
  }
  cards.push(markdown(`Nobody is in the ${room.name.toLowerCase()} right now.`, { visibility: away }));
  return section(cards);
}

function roomDeviceSections(input: DashboardInput, resolved: Resolved, room: Room): LovelaceSection[] {
  const sections: LovelaceSection[] = [];
  const { household } = input;
  const buttons = room.devices.filter((d) => d.spec.kind === 'reminder-button');
  const buttonCards = buttons.flatMap((d) => {
    const spec = d.spec;
    if (spec.kind !== 'reminder-button') return [];
    return [...ledCards(resolved, d), ...routineCards(input, resolved, spec.routine).slice(0, 2)];
  });
  if (buttonCards.length) sections.push(section([heading('Reminder buttons', 'mdi:gesture-tap-button', 'subtitle'), ...buttonCards]));

  for (const d of room.devices) {
    if (d.spec.kind !== 'led-strip') continue;
    const device = resolved.devices.get(d.spec.name);
    const light = role(device, 'light');
    if (!light || !device) continue;
    const cards: LovelaceCard[] = [
      heading(device.friendlyName, 'mdi:led-strip-variant', 'subtitle'),
      wideTile(light.entityId, { name: device.friendlyName, features: [{ type: 'light-brightness' }], features_position: 'bottom' }),
      ...(light.effects ?? []).map((effect) => effectButton(light.entityId, effect)),
    ];
    sections.push(section(cards));
  }

  const signals = room.devices.flatMap((d) => {
    const device = resolved.devices.get(d.spec.name);
    return (device?.entities ?? [])
      .filter((e) => e.role === 'rssi' && e.tracker)
      .map((e) =>
        tile(e.entityId, {
          name: trackerLabel(household.config.trackers.find((t) => t.id === e.tracker) ?? { id: e.tracker! }),
          icon: 'mdi:bluetooth',
        }),
      );
  });
  if (signals.length) sections.push(section([heading('Signals heard here', 'mdi:bluetooth', 'subtitle'), ...signals]));
  return sections;
}

/** A card for an extra HA entity: a to-do list, a still/camera, or a tile. */
function extraEntityCard(snapshot: HaSnapshot, entityId: string): LovelaceCard {
  const domain = entityId.split('.')[0]!;
  if (domain === 'todo' && loaded(snapshot, 'todo')) return todoList(entityId);
  if ((domain === 'camera' || domain === 'image') && loaded(snapshot, domain)) return pictureEntity(entityId);
  return tile(entityId);
}

function roomView(input: DashboardInput, resolved: Resolved, room: Room, warnings: string[]): LovelaceView {
  const sections: LovelaceSection[] = [];
  const who = whoIsHere(input, resolved, room);
  if (who) sections.push(who);
  sections.push(...roomDeviceSections(input, resolved, room));
  const extras = room.entities.filter((id) => {
    if (entityExists(input.snapshot, id)) return true;
    warnings.push(`room ${room.id}: HA has no entity ${id} (listed in hearth.yaml rooms:)`);
    return false;
  });
  if (extras.length)
    sections.push(section([heading('More', 'mdi:home', 'subtitle'), ...extras.map((id) => extraEntityCard(input.snapshot, id))]));
  if (!sections.length)
    sections.push(section([heading(room.name), markdown("Nothing of hearth's in this room is in Home Assistant yet.")]));
  return view(room.name, `room-${room.id}`, sections);
}

/** One of the life coach's entities as HA has it. */
export interface CoachEntity {
  /** HA domain: sensor, event, button, switch, image. */
  domain: string;
  uniqueId: string;
  entityId: string;
  /** The person it is about (check-in sensor, event, button); undefined for the coach's own. */
  person?: string;
}

/**
 * The life coach's entities in HA, in the order its discovery publishes them (per person:
 * check-in sensor, event, check-in-now button; then health, cameras switch, a still per
 * camera). Their unique ids come from the coach's own discovery builder
 * (src/lifecoach/ha/discovery.ts `coachDiscovery`), so they cannot drift apart; topics do not
 * matter for unique ids. Only those HA has (and has enabled) are returned.
 */
export function coachEntities(household: Household, snapshot: HaSnapshot): CoachEntity[] {
  const ctx = { prefix: 'homeassistant', baseTopic: 'hearth', version: '' };
  const cameras = household.config.cameras.map((c) => c.name);
  const found = new Map<string, CoachEntity>();
  for (const person of household.config.people) {
    for (const message of coachDiscovery(ctx, person, cameras)) {
      const body = JSON.parse(String(message.payload)) as { unique_id: string };
      if (found.has(body.unique_id)) continue;
      const entityId = mqttEntityId(snapshot, body.unique_id);
      if (!entityId) continue;
      const perPerson = body.unique_id.startsWith(`hearth_lifecoach_${entitySlug(person.id)}_checkin`);
      found.set(body.unique_id, {
        domain: message.topic.split('/')[1]!,
        uniqueId: body.unique_id,
        entityId,
        ...(perPerson ? { person: person.id } : {}),
      });
    }
  }
  return [...found.values()];
}

/** The latest check-in's sensor (`sensor.<person>_checkin`): of the check-ins' person, else the first person with one. */
function checkinSensor(household: Household, coach: CoachEntity[]): string | undefined {
  const sensors = coach.filter((e) => e.domain === 'sensor' && e.person);
  const wanted = household.config.checkins?.person;
  return (sensors.find((e) => e.person === wanted) ?? sensors[0])?.entityId;
}

function coachView(input: DashboardInput, coach: CoachEntity[]): LovelaceView | undefined {
  if (!coach.length) return undefined;
  const cards = coach.flatMap((e): LovelaceCard[] => {
    switch (e.domain) {
      case 'image':
      case 'camera':
        return loaded(input.snapshot, e.domain) ? [pictureEntity(e.entityId)] : [];
      case 'button':
        return [pressTile(e.entityId, 'Check in now', 'mdi:message-text-clock')];
      case 'sensor':
        return [wideTile(e.entityId, { state_content: e.person ? ['state', 'last_changed'] : ['state'] })];
      default:
        return [tile(e.entityId, { state_content: ['state', 'last_changed'] })];
    }
  });
  return view('Coach', 'coach', [section([heading('Life coach', 'mdi:account-heart'), ...cards], 2)]);
}

/** The dashboard config (see the module doc) and what was left out. */
export function generateDashboard(input: DashboardInput): GeneratedDashboard {
  const warnings: string[] = [];
  const resolved = resolve(input, warnings);
  const views: LovelaceView[] = [routinesView(input, resolved)];
  for (const room of householdRooms(input.household)) views.push(roomView(input, resolved, room, warnings));
  const coach = coachView(input, coachEntities(input.household, input.snapshot));
  if (coach) views.push(coach);
  return { config: { title: input.title ?? 'Home', views }, warnings };
}
