/**
 * Open to-do items from Home Assistant: `todo.get_items` (status `needs_action`) called over the
 * websocket with `return_response` (HA's service-response API), on the configured lists or on
 * every `todo.*` entity. The answer's shape is read by `todosFromResponse` (facts.ts).
 */
import type { TodoFacts } from '../checkin/facts.js';
import { todosFromResponse } from './facts.js';

/** The part of the hub's HA client used here (HaClient fits). */
export interface HaMessagePort {
  sendMessage<T = unknown>(message: { type: string; [k: string]: unknown }): Promise<T>;
}

/** Every `todo.*` entity HA has now. */
export async function todoEntities(ha: HaMessagePort): Promise<string[]> {
  const states = await ha.sendMessage<Array<{ entity_id: string }>>({ type: 'get_states' });
  return states
    .map((s) => s.entity_id)
    .filter((id) => id.startsWith('todo.'))
    .sort();
}

/** Open items of `lists` (default: every to-do list). Throws when HA refuses (the runner notes it). */
export async function fetchTodos(ha: HaMessagePort, lists?: readonly string[]): Promise<TodoFacts[]> {
  const entityIds = lists ?? (await todoEntities(ha));
  if (entityIds.length === 0) return [];
  const result = await ha.sendMessage<{ response?: unknown }>({
    type: 'call_service',
    domain: 'todo',
    service: 'get_items',
    service_data: { status: ['needs_action'] },
    target: { entity_id: [...entityIds] },
    return_response: true,
  });
  return todosFromResponse(result?.response);
}
