/** The reminder reducer: step(state, event, now, plan) → { state, effects } (see reminder.ts). */
import type { RoutinePlan } from './plan.js';
import {
  isPending,
  type ActionKind,
  type PressKind,
  type RecordEffect,
  type ReminderEvent,
  type ReminderState,
  type StepResult,
} from './reminder-state.js';
import { Run } from './run.js';

const PRESS_ACTION: Record<PressKind, ActionKind> = { single: 'done', double: 'snooze', long: 'skip' };

function publicView(s: ReminderState): string {
  return JSON.stringify([s.phase, s.since, s.occurrence?.start, s.escalated, s.held, s.snoozedUntil, s.lastDone]);
}

export function step(state: ReminderState, event: ReminderEvent, now: number, plan: RoutinePlan): StepResult {
  const run = new Run(structuredClone(state), now, plan);
  const before = publicView(state);

  run.advance();
  const s = run.s;

  switch (event.type) {
    case 'tick':
      break;
    case 'restore':
      // After a restart the LEDs' state is unknown: say what it should be, whatever we think it is.
      if (!run.effects.some((e) => e.type === 'led')) run.effects.push({ type: 'led', on: s.led });
      break;
    case 'due': {
      if (event.occurrence) {
        if (!s.occurrence || event.occurrence.start > s.occurrence.start) run.startOccurrence(event.occurrence);
      } else if (s.phase === 'snoozed') {
        run.becomePending(s.occurrence, now, true);
      } else if (!isPending(s)) {
        run.becomePending({ start: now, end: now + plan.windowMs, forced: true }, now);
      }
      if (isPending(s)) run.remind();
      break;
    }
    case 'press': {
      const startedBefore = event.at === undefined || (s.occurrence !== undefined && event.at >= s.occurrence.start);
      const pending = (isPending(s) || s.phase === 'snoozed') && startedBefore;
      const extra: Partial<RecordEffect> = { press: event.press, pending, source: event.entity ?? 'button' };
      if (event.at !== undefined) extra.pressedAt = event.at;
      run.record('press', now, extra, pending);
      if (pending) run.acknowledge(PRESS_ACTION[event.press], 'button');
      break;
    }
    case 'action': {
      if (isPending(s) || s.phase === 'snoozed') run.acknowledge(event.action, event.source ?? 'notification');
      break;
    }
  }

  if (publicView(s) !== before) run.effects.push({ type: 'publish' });
  return { state: s, effects: run.effects };
}
