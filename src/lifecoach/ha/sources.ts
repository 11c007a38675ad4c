/**
 * The check-in's facts read from Home Assistant, the bus every hearth part publishes to: the
 * routine sensors hearth's hub publishes (`sensor.routine_<id>`: state = phase; attributes
 * title, last_done, next_due, due_since, snoozed_until, streak), the person's room sensor
 * (`sensor.<person>_room`) and the open to-do items. The same in the hub's process and on
 * another host (a coach-only hearth), so moving the coach is a configuration change only.
 *
 * HA's websocket API reads states only all at once (`get_states`): a check-in's reads (presence,
 * routines, the to-do lists) go through `session()` and share one answer, which goes with the
 * check-in; so a large HA costs one parse per check-in and nothing between check-ins. Each read
 * outside a session (the stills route's capture check) asks HA afresh.
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
  const readStates = async (): Promise<Map<string, HaState>> => {
    const all = await options.ha.sendMessage<HaState[]>({ type: 'get_states' });
    return new Map(all.map((s) => [s.entity_id, s]));
  };
  const over = (states: () => Promise<Map<string, HaState>>): Omit<CheckinSources, 'session'> => ({
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
    async todos() {
      const lists = options.todoLists ?? [...(await states()).keys()].filter((id) => id.startsWith('todo.')).sort();
      return fetchTodos(options.ha, lists);
    },
    async presence() {
      const room = (await states()).get(`sensor.${slug(options.person.id)}_room`);
      return presenceFromRoom(room?.state);
    },
  });
  return {
    ...over(readStates),
    session() {
      let shared: Promise<Map<string, HaState>> | undefined;
      return over(() => {
        // A failed read is not shared: the check-in's next read asks HA again.
        shared ??= readStates().catch((error: unknown) => {
          shared = undefined;
          throw error;
        });
        return shared;
      });
    },
  };
}
