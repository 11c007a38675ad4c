/**
 * The check-in's facts read from Home Assistant, the bus every hearth part publishes to: the
 * routine sensors hearth's hub publishes (`sensor.routine_<id>`: state = phase; attributes
 * title, last_done, next_due, due_since, snoozed_until, streak), the person's room sensor
 * (`sensor.<person>_room`) and the open to-do items. The same in the hub's process and on
 * another host (a coach-only hearth), so moving the coach is a configuration change only.
 */
import type { CheckinSources } from '../checkin/runner.js';
import { presenceFromRoom, routineFactsFromPublished, type PublishedRoutine } from './facts.js';
import { fetchTodos, type HaMessagePort } from './todos.js';

interface HaState {
  entity_id: string;
  state: string;
  attributes: Record<string, unknown>;
}

const slug = (id: string): string => id.replace(/-/g, '_');
const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export interface HaSourcesOptions {
  ha: HaMessagePort;
  person: { id: string };
  /** The person's routines (ids from hearth.yaml). */
  routines: ReadonlyArray<{ id: string; title: string }>;
  timezone: string;
  todoLists?: readonly string[] | undefined;
}

export function haSources(options: HaSourcesOptions): CheckinSources {
  const states = async (): Promise<Map<string, HaState>> => {
    const all = await options.ha.sendMessage<HaState[]>({ type: 'get_states' });
    return new Map(all.map((s) => [s.entity_id, s]));
  };
  return {
    async routines(now) {
      const byId = await states();
      return options.routines.flatMap((r) => {
        const s = byId.get(`sensor.routine_${slug(r.id)}`);
        if (!s || s.state === 'unavailable' || s.state === 'unknown') return [];
        const published: PublishedRoutine = {
          id: r.id,
          title: text(s.attributes.title) ?? r.title,
          phase: s.state,
          next_due: text(s.attributes.next_due),
          last_done: text(s.attributes.last_done),
          due_since: text(s.attributes.due_since),
          snoozed_until: text(s.attributes.snoozed_until),
          streak: text(s.attributes.streak) ?? '',
        };
        return [routineFactsFromPublished(published, now, options.timezone)];
      });
    },
    todos: () => fetchTodos(options.ha, options.todoLists),
    async presence() {
      const room = (await states()).get(`sensor.${slug(options.person.id)}_room`);
      return presenceFromRoom(room?.state);
    },
  };
}
