/**
 * The published view of a routine: what the API answers (RoutineView) and the MQTT state and
 * attributes. The streak is cached per routine until a done/skip is written or the clock
 * reaches an instant where it can change (core/streak.ts).
 */
import type { Clock } from '../clock.js';
import type { HubMqtt } from '../mqtt/client.js';
import { routineAttributesTopic, routineStateTopic, stateMessage, type DiscoveryContext } from '../../discovery/discovery.js';
import { isPending, nextDue, type ReminderState } from './core/reminder.js';
import { createStreakCache, type StreakCache } from './core/streak.js';
import type { Store } from '../store/store.js';
import type { PressEntities, RoutineSlot } from './routine-slot.js';

export interface RoutineView {
  id: string;
  title: string;
  phase: ReminderState['phase'];
  pending: boolean;
  led: boolean;
  next_due: string | null;
  last_done: string | null;
  streak: string;
  buttons: string[];
}

export interface RoutineViewDeps {
  clock: Clock;
  store: Store;
  mqtt: HubMqtt;
  context: DiscoveryContext;
  pressEntities: PressEntities;
}

export interface RoutineViews {
  view(slot: RoutineSlot): RoutineView;
  /** The routine's MQTT attributes, then its state (nothing while MQTT is down: published again on connect). */
  publish(slot: RoutineSlot): void;
}

const STREAK_LOOKBACK_MS = 120 * 86_400_000;

export function createRoutineViews(deps: RoutineViewDeps): RoutineViews {
  const streaks = new Map<RoutineSlot, StreakCache>();
  const streakCacheOf = (slot: RoutineSlot): StreakCache => {
    let cache = streaks.get(slot);
    if (!cache) streaks.set(slot, (cache = createStreakCache(slot.plan.schedule)));
    return cache;
  };

  const view = (slot: RoutineSlot): RoutineView => {
    const now = deps.clock.now();
    const s = streakCacheOf(slot).get(slot.historyVersion, now, () => deps.store.streakRecords(slot.plan.id, now - STREAK_LOOKBACK_MS));
    const next = nextDue(slot.state, slot.plan, now);
    const lastDone = s.lastDone ?? slot.state.lastDone;
    return {
      id: slot.plan.id,
      title: slot.plan.title,
      phase: slot.state.phase,
      pending: isPending(slot.state),
      led: slot.state.led,
      next_due: next === undefined ? null : new Date(next).toISOString(),
      last_done: lastDone === undefined ? null : new Date(lastDone).toISOString(),
      streak: `${s.done} of ${s.of}`,
      buttons: [...deps.pressEntities].filter(([, v]) => v.routine === slot.plan.id).map(([, v]) => v.device),
    };
  };

  const publish = (slot: RoutineSlot): void => {
    if (deps.mqtt.state !== 'connected') return; // published again on connect
    const v = view(slot);
    const s = slot.state;
    const attributes = {
      title: v.title,
      last_done: v.last_done,
      streak: v.streak,
      next_due: v.next_due,
      due_since: s.occurrence ? new Date(s.occurrence.start).toISOString() : null,
      window_ends: s.occurrence ? new Date(s.occurrence.end).toISOString() : null,
      snoozed_until: s.snoozedUntil ? new Date(s.snoozedUntil).toISOString() : null,
      escalated: s.escalated,
      quiet: s.held,
      buttons: v.buttons,
    };
    const ctx = deps.context;
    // Attributes first: HA shows the new state with its attributes already in place.
    void deps.mqtt.publish(stateMessage(routineAttributesTopic(ctx, v.id), attributes)).catch(() => {});
    void deps.mqtt.publish(stateMessage(routineStateTopic(ctx, v.id), s.phase)).catch(() => {});
  };

  return { view, publish };
}
