/**
 * The reminder state machine of one routine, as a pure reducer:
 *
 *   step(state, event, now, plan) → { state, effects }
 *
 * idle → due → nagging → done | snoozed | skipped | missed, and from done/skipped/missed back
 * to due when the next occurrence starts. Effects are data; the I/O layer carries them out
 * (LEDs, phone notifications, the SQLite record, the MQTT state). The state is plain JSON so
 * that it can be persisted and handed back with a `restore` event after a restart.
 *
 * Every event first brings the state up to `now` (as a `tick` would), then applies itself,
 * so a press that arrives after the window closed is not taken as done.
 */
export * from './reminder-state.js';
export { neverSchedule, planRoutine, type Household, type RoutinePlan } from './plan.js';
export { notificationActionId, parseNotificationActionId } from './action-id.js';
export { step } from './step.js';
export { nextDue, nextWakeup } from './wakeup.js';
