/**
 * The household's rooms as the dashboard shows them: one per presence-node `room:` (named
 * after the node's HA area), one per other device area, and the ones `hearth.yaml` lists
 * under `rooms:` (which may add extra HA entities: a robot vacuum, a lamp). A device belongs
 * to the room of its presence node, else to the room whose area it shares. Pure.
 */
import type { RoomConfig } from '../config/dashboard.js';
import type { Household, LoadedDevice } from '../config/household.js';
import { humanize } from '../config/names.js';
import { haSlugify } from '../config/entity-ids.js';

export interface Room {
  /** Presence-node `room:` value (what `sensor.<person>_room` reports), or the area's slug. */
  id: string;
  /** Shown as the view's title. */
  name: string;
  area?: string;
  devices: LoadedDevice[];
  entities: string[];
}

/** hearth.yaml's `rooms:` (config/dashboard.ts). */
export function roomConfigs(household: Household): RoomConfig[] {
  return household.config.rooms;
}

const sameArea = (a: string | undefined, b: string | undefined): boolean =>
  a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

/** Rooms in a stable order: presence rooms (device file order), other areas, then config-only rooms. */
export function householdRooms(household: Household): Room[] {
  const rooms: Room[] = [];
  const byId = new Map<string, Room>();
  const add = (id: string, name: string, area?: string): Room => {
    let room = byId.get(id);
    if (!room) {
      room = { id, name, ...(area ? { area } : {}), devices: [], entities: [] };
      byId.set(id, room);
      rooms.push(room);
    }
    return room;
  };
  for (const device of household.devices) {
    const { spec } = device;
    if (spec.kind === 'presence-node') add(spec.room, spec.area ?? humanize(spec.room), spec.area);
  }
  for (const config of roomConfigs(household)) {
    const room = add(config.id, config.name ?? config.area ?? humanize(config.id), config.area);
    if (config.name) room.name = config.name;
    if (config.area) room.area = config.area;
    room.entities.push(...(config.entities ?? []));
  }
  for (const device of household.devices) {
    const { spec } = device;
    if (spec.kind === 'presence-node') {
      byId.get(spec.room)!.devices.push(device);
      continue;
    }
    const room =
      rooms.find((r) => sameArea(r.area, spec.area)) ??
      (spec.area ? add(haSlugify(spec.area).replace(/_/g, '-'), spec.area, spec.area) : add('other', 'Other devices'));
    room.devices.push(device);
  }
  return rooms;
}
