/**
 * The working part of the reminder reducer (step.ts): changes a copy of the state and collects
 * the effects, for the passing of time, a new occurrence, reminding and acknowledging.
 */
import { inQuietHours, lastQuietEnd } from '../../../config/quiet-hours.js';
import { localTime, startOfNextLocalDay } from '../../../config/wall-clock.js';
import { notificationActionId } from './action-id.js';
import type { RoutinePlan } from './plan.js';
import {
  isPending,
  type ActionKind,
  type Effect,
  type Phase,
  type RecordEffect,
  type RecordKind,
  type ReminderState,
} from './reminder-state.js';
import { occurrenceAt, type Occurrence } from './schedule.js';

const ACTION_TITLES: Record<ActionKind, string> = { done: 'Done', snooze: 'Snooze', skip: 'Skip' };

/**
 * How far after a tick a deadline may lie and still be handled by that tick (ms): 1 s, or half
 * of `nag_every` when that is shorter. Timers fire a little late and never early, so without
 * it two deadlines at one instant (nag and escalation) would be two ticks and two steps.
 */
export function coalesceMs(plan: Pick<RoutinePlan, 'nagEveryMs'>): number {
  return Math.min(1000, Math.floor(plan.nagEveryMs / 2));
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
    const message = occ?.forced ? 'Due now' : `Due since ${localTime(occ?.start ?? this.now, this.plan.timezone).time}`;
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
    this.record('notify', this.now, { source: 'schedule' });
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
    this.record('miss', at, { source: 'schedule' });
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
      this.record('skip', occurrence.start, { source: 'schedule', reason: 'skip-day' });
      return;
    }
    // An older occurrence still pending when the next one starts is missed; the new one takes over.
    if (isPending(s) || s.phase === 'snoozed') {
      this.record('miss', occurrence.start, { source: 'schedule' });
      this.clearNotification();
    }
    this.becomePending(occurrence, occurrence.start);
    this.record('due', occurrence.start, { source: 'schedule' });
  }

  /**
   * Quiet hours, escalation and nagging for a pending reminder. Deadlines that fall together
   * are one step: the nag clock runs on exact multiples of `nag_every` from when the reminder
   * fell due (not from the late tick that ran the last nag), and a deadline less than
   * `coalesceMs(plan)` after this tick is handled by it, so an escalation and a nag due at the
   * same moment give one notification, never two a few milliseconds apart.
   */
  remind(): void {
    const { now, plan } = this;
    const s = this.s;
    const quiet = this.quiet(now);
    const horizon = now + coalesceMs(plan);
    const escalationDue = !s.escalated && plan.escalateAfterMs !== undefined && horizon >= (s.pendingSince ?? now) + plan.escalateAfterMs;

    if (quiet) {
      if (!s.held) {
        s.held = true;
        this.led(false);
      }
      return;
    }
    if (s.held) {
      // Quiet hours are over and it is still in its window: remind again, nags counted from
      // the instant they ended (not from this tick, which may come late).
      s.held = false;
      s.lastNag = Math.max(s.pendingSince ?? now, lastQuietEnd(now, plan.quietHours, plan.timezone) ?? now);
      this.led(true);
      if (escalationDue) s.escalated = true;
      if (s.escalated) this.notify();
      return;
    }
    if (escalationDue) {
      s.escalated = true;
      this.notify();
    }
    const nagAt = (s.lastNag ?? now) + plan.nagEveryMs;
    if (horizon >= nagAt) {
      // The latest nag deadline reached (ticks missed while hearth was busy or down do not pile up).
      s.lastNag = nagAt + Math.floor(Math.max(0, now - nagAt) / plan.nagEveryMs) * plan.nagEveryMs;
      if (s.phase === 'due') this.enter('nagging', now);
      // Re-issue the pulse (a device that rebooted meanwhile lights up again), once per step.
      if (!this.effects.some((e) => e.type === 'led' && e.on)) this.effects.push({ type: 'led', on: true });
      s.led = true;
      if (s.escalated && !escalationDue) this.notify();
    }
  }

  /**
   * The scheduled occurrence an acknowledgement made now is early for: the next one, when it
   * starts within the plan's `earlyMs` lead. Undefined when there is none.
   */
  comingOccurrence(): Occurrence | undefined {
    const { now, plan } = this;
    if (plan.earlyMs <= 0) return undefined;
    const next = plan.schedule.next(now);
    if (next === undefined || next - now > plan.earlyMs) return undefined;
    if (this.s.occurrence && this.s.occurrence.start >= next) return undefined; // acknowledged already
    return { start: next, end: next + plan.windowMs };
  }

  /**
   * The occurrence a done or skip with nothing pending is early for: the coming one (see
   * comingOccurrence), but only once the window of the last scheduled occurrence has closed;
   * while it is open, a second press is about that one (already settled), never the next.
   */
  earlyOccurrence(): Occurrence | undefined {
    const last = occurrenceAt(this.plan.schedule, this.now).active;
    return last ? undefined : this.comingOccurrence();
  }

  /**
   * Done early: done or skip with nothing pending, shortly before the next occurrence, is for
   * that occurrence: it becomes the state's occurrence (so it never starts as a reminder) and
   * the record carries its start (its local day is the one the done or skip counts for).
   * Returns false when no occurrence is coming within the lead (nothing happens).
   */
  acknowledgeAhead(action: ActionKind, source: string, extra: Partial<RecordEffect> = {}): boolean {
    if (action === 'snooze') return false;
    const coming = this.earlyOccurrence();
    if (!coming) return false;
    this.s.occurrence = coming;
    this.acknowledge(action, source, { ...extra, early: true });
    return true;
  }

  acknowledge(action: ActionKind, source: string, extra: Partial<RecordEffect> = {}): void {
    const { now, plan } = this;
    const s = this.s;
    this.silence();
    s.held = false;
    // A reminder made due by hand shortly before a scheduled occurrence was meant for that
    // occurrence: done or skipped, it covers it too (it will not fall due again).
    if (action !== 'snooze' && s.occurrence?.forced) {
      const coming = this.comingOccurrence();
      if (coming) {
        extra = { ...extra, forced: s.occurrence.start };
        s.occurrence = coming;
      }
    }
    if (action === 'done') {
      s.lastDone = now;
      this.record('done', now, { source, ...extra });
      this.enter('done', now);
      delete s.snoozedUntil;
    } else if (action === 'snooze') {
      s.snoozedUntil = now + plan.snoozeMs;
      this.record('snooze', now, { source, until: s.snoozedUntil, ...extra });
      this.enter('snoozed', now);
    } else {
      // The rest of the acknowledged occurrence's local day, not of the moment of the press:
      // Monday 23:30 skipped at 00:10 on Tuesday leaves Tuesday's 23:30 due.
      s.skippedUntil = startOfNextLocalDay(s.occurrence?.start ?? now, plan.timezone);
      this.record('skip', now, { source, ...extra });
      this.enter('skipped', now);
      delete s.snoozedUntil;
    }
  }
}
