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
        run.record('due', now, { source: event.source ?? 'api' });
      } else if (!isPending(s)) {
        run.becomePending({ start: now, end: now + plan.windowMs, forced: true }, now);
        run.record('due', now, { source: event.source ?? 'api' });
      }
      if (isPending(s)) run.remind();
      break;
    }
    case 'press': {
      const startedBefore = event.at === undefined || (s.occurrence !== undefined && event.at >= s.occurrence.start);
      const pending = (isPending(s) || s.phase === 'snoozed') && startedBefore;
      const from: Partial<RecordEffect> = {};
      if (event.device !== undefined) from.device = event.device;
      const extra: Partial<RecordEffect> = { press: event.press, pending, source: 'button', ...from };
      if (event.entity !== undefined) extra.entity = event.entity;
      if (event.at !== undefined) extra.pressedAt = event.at;
      // Nothing pending, shortly before the next occurrence: done early (a late press never is).
      const coming = !pending && event.at === undefined && PRESS_ACTION[event.press] !== 'snooze' ? run.earlyOccurrence() : undefined;
      if (coming) Object.assign(extra, { occurrence: coming.start, early: true });
      run.record('press', now, extra, pending);
      if (pending) run.acknowledge(PRESS_ACTION[event.press], 'button', from);
      else if (coming) run.acknowledgeAhead(PRESS_ACTION[event.press], 'button', from);
      break;
    }
    case 'action': {
      const source = event.source ?? 'notification';
      if (isPending(s) || s.phase === 'snoozed') run.acknowledge(event.action, source);
      else run.acknowledgeAhead(event.action, source);
      break;
    }
  }

  if (publicView(s) !== before) run.effects.push({ type: 'publish' });
  return { state: s, effects: run.effects };
}
