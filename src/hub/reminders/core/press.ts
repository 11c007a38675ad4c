/**
 * Is this HA event-entity state change a real button press?
 *
 * An ESPHome `event:` entity's state is the timestamp of its last event, with the event type
 * in the `event_type` attribute. It is a press only when:
 * - the new state is a timestamp newer than the last one handled for that entity;
 * - the previous state was a real state: after an HA restart or a device reconnecting, the
 *   entity goes `unavailable` (or nothing) → <the last event's timestamp>, a restored state
 *   that must never be taken for a press (its timestamp is remembered as handled all the same);
 * - from `unknown` (a button that never fired yet) only a fresh timestamp counts: a first
 *   press is minutes younger than any state HA could restore after a restart, so an event
 *   stamped within `FRESH_MS` of `now` is a press, an older one is a restore;
 * - `event_type` is one of the press kinds.
 *
 * First sight of an entity (no previous state: hearth just started, or a unit was restarted by
 * a reload) is a restore, unless a press of that entity was handled before (the filter has
 * its timestamp) and the state is newer: HA never invents a newer timestamp on a restore, so
 * that is a real press made while hearth was not watching (down, restarting, reloading). It
 * comes back as a press marked `missed`, with its own time, for the caller to judge.
 *
 * Pure: the caller keeps the returned state (and may persist it, and seed it at startup from
 * the entities' current states with `seedPress`).
 */
import type { PressKind } from './reminder-state.js';

export interface EntityState {
  state: string;
  attributes?: Record<string, unknown>;
}

export interface StateChange {
  entity_id: string;
  old_state: EntityState | null | undefined;
  new_state: EntityState | null | undefined;
}

/** Last handled event timestamp (ms) per entity id. */
export type PressFilterState = Readonly<Record<string, number>>;

export type PressVerdict =
  | { press: PressKind; at: number; missed?: true }
  | {
      press?: undefined;
      reason: 'no-new-state' | 'not-a-timestamp' | 'already-handled' | 'restored' | 'unknown-event-type';
    };

export const PRESS_KINDS: readonly PressKind[] = ['single', 'double', 'long'];
/** How recent an event from `unknown` must be to count as a first press rather than a restore. */
export const FRESH_MS = 10_000;

function timestamp(state: string): number | undefined {
  // HA event states are ISO 8601 with a time; refuse bare numbers and dates.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(state)) return undefined;
  const t = Date.parse(state);
  return Number.isNaN(t) ? undefined : t;
}

export function classifyPress(
  filter: PressFilterState,
  change: StateChange,
  kinds: readonly string[] = PRESS_KINDS,
  now?: number,
): { verdict: PressVerdict; filter: PressFilterState } {
  const next = change.new_state;
  if (!next) return { verdict: { reason: 'no-new-state' }, filter };
  const at = timestamp(next.state);
  if (at === undefined) return { verdict: { reason: 'not-a-timestamp' }, filter };
  const last = filter[change.entity_id];
  if (last !== undefined && at <= last) return { verdict: { reason: 'already-handled' }, filter };
  const handled = { ...filter, [change.entity_id]: at };
  const old = change.old_state;
  const firstPress = old?.state === 'unknown' && now !== undefined && Math.abs(now - at) <= FRESH_MS;
  const missed = !old && last !== undefined;
  if ((!old && !missed) || old?.state === 'unavailable' || (old?.state === 'unknown' && !firstPress)) {
    return { verdict: { reason: 'restored' }, filter: handled };
  }
  const type = next.attributes?.['event_type'];
  if (typeof type !== 'string' || !kinds.includes(type)) {
    return { verdict: { reason: 'unknown-event-type' }, filter: handled };
  }
  return { verdict: missed ? { press: type as PressKind, at, missed: true } : { press: type as PressKind, at }, filter: handled };
}

/** Marks an entity's current state as handled (startup: what is already there is no press). */
export function seedPress(filter: PressFilterState, entityId: string, state: EntityState | null | undefined): PressFilterState {
  const at = state ? timestamp(state.state) : undefined;
  if (at === undefined) return filter;
  const last = filter[entityId];
  return last !== undefined && last >= at ? filter : { ...filter, [entityId]: at };
}
