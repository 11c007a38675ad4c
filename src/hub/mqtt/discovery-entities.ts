/** What the hub publishes through MQTT discovery for a parsed household (discovery/discovery.ts builds the payloads). */
import type { Household } from '../../config/household.js';
import type { PersonEntity, RoutineEntity } from '../../discovery/discovery.js';

/**
 * The discovery entities of a parsed household: routines with the area of the first
 * reminder button that acknowledges them, people with every presence-node room.
 */
export function discoveryEntities(household: Household): { routines: RoutineEntity[]; people: PersonEntity[] } {
  const specs = household.devices.map((d) => d.spec);
  const rooms = [...new Set(specs.flatMap((s) => (s.kind === 'presence-node' ? [s.room] : [])))];
  return {
    routines: household.config.routines.map((r) => {
      const area = specs.find((s) => s.kind === 'reminder-button' && s.routine === r.id && s.area)?.area;
      return { id: r.id, title: r.title, ...(area ? { area } : {}) };
    }),
    people: household.config.people.map((p) => ({ id: p.id, name: p.name, rooms })),
  };
}
