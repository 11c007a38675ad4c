/**
 * HA's `subscribe_entities` messages (compressed states) applied to a local map, yielding
 * one change per entity: old state → new state. Pure.
 *
 * After a reconnect HA sends a fresh snapshot (`a`) of every subscribed entity; comparing it
 * with what we held before turns anything that happened while we were away into ordinary
 * changes (a button press during the gap is not lost).
 */
export interface EntityState {
  entity_id: string;
  state: string;
  attributes: Record<string, unknown>;
  /** ISO timestamps, as HA's REST API and state_changed events give them. */
  last_changed: string;
  last_updated: string;
  context_id?: string | undefined;
}

export interface StateChange {
  entityId: string;
  /** undefined: first sight of the entity since hearth started. */
  old: EntityState | undefined;
  /** undefined: the entity was removed. */
  new: EntityState | undefined;
  /** true when this came from a snapshot (subscription start or resubscription after a reconnect). */
  snapshot: boolean;
}

interface CompressedState {
  s: string;
  a: Record<string, unknown>;
  c: string | { id: string };
  lc: number;
  lu?: number;
}

interface CompressedDiff {
  '+'?: Partial<CompressedState>;
  '-'?: { a?: string[] };
}

export interface EntitiesMessage {
  a?: Record<string, CompressedState>;
  c?: Record<string, CompressedDiff>;
  r?: string[];
}

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString();
const contextId = (c: CompressedState['c'] | undefined): string | undefined => (typeof c === 'string' ? c : c?.id);

/** Applies one message to `states` (mutated) and returns the changes, in message order. */
export function applyEntitiesMessage(states: Map<string, EntityState>, message: EntitiesMessage): StateChange[] {
  const changes: StateChange[] = [];
  for (const [entityId, s] of Object.entries(message.a ?? {})) {
    const lastChanged = iso(s.lc);
    const next: EntityState = {
      entity_id: entityId,
      state: s.s,
      attributes: s.a ?? {},
      last_changed: lastChanged,
      last_updated: s.lu ? iso(s.lu) : lastChanged,
      context_id: contextId(s.c),
    };
    const old = states.get(entityId);
    states.set(entityId, next);
    changes.push({ entityId, old, new: next, snapshot: true });
  }
  for (const [entityId, diff] of Object.entries(message.c ?? {})) {
    const old = states.get(entityId);
    if (!old) continue;
    const next: EntityState = { ...old };
    const add = diff['+'];
    const remove = diff['-'];
    if (add?.a || remove?.a) next.attributes = { ...old.attributes, ...(add?.a ?? {}) };
    if (add) {
      if (add.s !== undefined) next.state = add.s;
      if (add.c !== undefined) next.context_id = contextId(add.c);
      if (add.lc) next.last_updated = next.last_changed = iso(add.lc);
      else if (add.lu) next.last_updated = iso(add.lu);
    }
    for (const key of remove?.a ?? []) delete next.attributes[key];
    states.set(entityId, next);
    changes.push({ entityId, old, new: next, snapshot: false });
  }
  for (const entityId of message.r ?? []) {
    const old = states.get(entityId);
    states.delete(entityId);
    if (old) changes.push({ entityId, old, new: undefined, snapshot: false });
  }
  return changes;
}

/** True when a snapshot entry only repeats what we already held (no change to report). */
export function isUnchanged(change: StateChange): boolean {
  return (
    change.old !== undefined &&
    change.new !== undefined &&
    change.old.state === change.new.state &&
    change.old.last_updated === change.new.last_updated
  );
}
