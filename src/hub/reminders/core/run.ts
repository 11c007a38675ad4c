/**
 * The working part of the reminder reducer (step.ts): changes a copy of the state and collects
 * the effects, for the passing of time, a new occurrence, reminding and acknowledging.
 */
import { notificationActionId } from './action-id.js';
import type { RoutinePlan } from './plan.js';
import { inQuietHours } from './quiet.js';
import {
  isPending,
  type ActionKind,
  type Effect,
  type Phase,
  type RecordEffect,
  type RecordKind,
  type ReminderState,
} from './reminder-state.js';
import { minuteOfDay, occurrenceAt, startOfNextLocalDay, type Occurrence } from './schedule.js';

const ACTION_TITLES: Record<ActionKind, string> = { done: 'Done', snooze: 'Snooze', skip: 'Skip' };

function hhmm(t: number, timezone: string): string {
  const m = minuteOfDay(t, timezone);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** Collects effects while a copy of the state is changed. */
export class Run {
  readonly effects: Effect[] = [];
  constructor(
    public s: ReminderState,
    readonly now: number,
    readonly plan: RoutinePlan,
  ) {}

  record(kind: RecordKind, at: number, extra: Partial<RecordEffect> = {}, withOccurrence = true): void {
    const r: RecordEffect = { type: 'record', kind, routine: this.plan.id, at, ...extra };
    if (withOccurrence && r.occurrence === undefined && this.s.occurrence) r.occurrence = this.s.occurrence.start;
    this.effects.push(r);
  }

  led(on: boolean): void {
    if (this.s.led === on) return;
    this.s.led = on;
    this.effects.push({ type: 'led', on });
  }

  notify(): void {
    const occ = this.s.occurrence;
    const message = occ?.forced ? 'Due now' : `Due since ${hhmm(occ?.start ?? this.now, this.plan.timezone)}`;
    const effect: Effect = {
      type: 'notify',
      tag: this.plan.id,
      title: this.plan.title,
      message,
      actions: (['done', 'snooze', 'skip'] as const).map((a) => ({
        action: notificationActionId(this.plan.id, a),
        title: ACTION_TITLES[a],
      })),
    };
    if (this.plan.person !== undefined) effect.person = this.plan.person;
    this.effects.push(effect);
    this.s.notified = true;
    this.record('notify', this.now);
  }

  clearNotification(): void {
    if (!this.s.notified) return;
    this.s.notified = false;
    this.effects.push({ type: 'clear_notification', tag: this.plan.id });
  }

  quiet(t: number): boolean {
    return inQuietHours(t, this.plan.quietHours, this.plan.timezone);
  }

  /** Stop reminding: LED off, notification gone. */
  silence(): void {
    this.led(false);
    this.clearNotification();
  }

  enter(phase: Phase, at: number): void {
    this.s.phase = phase;
    this.s.since = at;
  }

  becomePending(occurrence: ReminderState['occurrence'], at: number, keepEscalation = false): void {
    const s = this.s;
    s.occurrence = occurrence;
    this.enter('due', at);
    s.pendingSince = at;
    s.lastNag = at;
    if (!keepEscalation) s.escalated = false;
    delete s.snoozedUntil;
    s.held = this.quiet(at);
    if (!s.held) {
      this.led(true);
      if (s.escalated) this.notify();
    }
  }

  miss(at: number): void {
    this.silence();
    this.record('miss', at);
    this.enter('missed', at);
    delete this.s.snoozedUntil;
  }

  /** Everything that happens by the mere passing of time, up to `now`. */
  advance(): void {
    const { now, plan } = this;
    const s = this.s;

    // Windows that closed.
    if ((isPending(s) || s.phase === 'snoozed') && s.occurrence && now >= s.occurrence.end) this.miss(s.occurrence.end);

    // A snooze that ran out.
    if (s.phase === 'snoozed' && s.snoozedUntil !== undefined && now >= s.snoozedUntil) {
      this.becomePending(s.occurrence, s.snoozedUntil, true);
    }

    // A new occurrence.
    const active = occurrenceAt(plan.schedule, now).active;
    if (active && (!s.occurrence || active.start > s.occurrence.start)) this.startOccurrence(active);

    if (isPending(s)) this.remind();
  }

  startOccurrence(occurrence: Occurrence): void {
    const s = this.s;
    if (s.phase === 'skipped' && s.skippedUntil !== undefined && occurrence.start < s.skippedUntil) {
      s.occurrence = occurrence;
      this.record('skip', occurrence.start, { source: 'skip-day' });
      return;
    }
    // An older occurrence still pending when the next one starts is missed; the new one takes over.
    if (isPending(s) || s.phase === 'snoozed') {
      this.record('miss', occurrence.start);
      this.clearNotification();
    }
    this.becomePending(occurrence, occurrence.start);
  }

  /** Quiet hours, escalation and nagging for a pending reminder. */
  remind(): void {
    const { now, plan } = this;
    const s = this.s;
    const quiet = this.quiet(now);
    const escalationDue =
      !s.escalated && plan.escalateAfterMs !== undefined && now >= (s.pendingSince ?? now) + plan.escalateAfterMs;

    if (quiet) {
      if (!s.held) {
        s.held = true;
        this.led(false);
      }
      return;
    }
    if (s.held) {
      // Quiet hours are over and it is still in its window: remind again.
      s.held = false;
      s.lastNag = now;
      this.led(true);
      if (escalationDue) s.escalated = true;
      if (s.escalated) this.notify();
      return;
    }
    if (escalationDue) {
      s.escalated = true;
      this.notify();
    }
    if (now >= (s.lastNag ?? now) + plan.nagEveryMs) {
      s.lastNag = now;
      if (s.phase === 'due') this.enter('nagging', now);
      // Re-issue the pulse (a device that rebooted meanwhile lights up again), once per step.
      if (!this.effects.some((e) => e.type === 'led' && e.on)) this.effects.push({ type: 'led', on: true });
      s.led = true;
      if (s.escalated && !escalationDue) this.notify();
    }
  }

  acknowledge(action: ActionKind, source: string): void {
    const { now, plan } = this;
    const s = this.s;
    this.silence();
    s.held = false;
    if (action === 'done') {
      s.lastDone = now;
      this.record('done', now, { source });
      this.enter('done', now);
      delete s.snoozedUntil;
    } else if (action === 'snooze') {
      s.snoozedUntil = now + plan.snoozeMs;
      this.record('snooze', now, { source, until: s.snoozedUntil });
      this.enter('snoozed', now);
    } else {
      s.skippedUntil = startOfNextLocalDay(now, plan.timezone);
      this.record('skip', now, { source });
      this.enter('skipped', now);
      delete s.snoozedUntil;
    }
  }
}
