/**
 * Local time has gaps and repeats. Every rule that reads it (due times, windows, quiet hours
 * and their end, nag alignment, streak days, "today") uses one interpretation: a local time is
 * found as croner's fixed-time rule finds a due time (a time in a spring-forward gap is the
 * first instant after the gap; a time that happens twice is its first pass); durations
 * (windows, nag_every, escalate_after, snooze) are elapsed time; a day is a local calendar
 * date. Tested on both DST nights of the household's zone (Europe/London) and of two zones on
 * other calendars (America/New_York: March/November; Australia/Sydney: southern hemisphere,
 * October/April).
 */
import { describe, expect, it } from 'vitest';
import {
  initialState,
  nextWakeup,
  planRoutine,
  step,
  type Effect,
  type ReminderEvent,
  type ReminderState,
  type RoutinePlan,
} from '../../../../../src/hub/reminders/core/reminder.js';
import { inQuietHours, nextQuietBoundary } from '../../../../../src/config/quiet-hours.js';
import { localDate, startOfNextLocalDay } from '../../../../../src/config/wall-clock.js';
import { streak } from '../../../../../src/hub/reminders/core/streak.js';

const T = (iso: string): number => Date.parse(iso);
const MIN = 60_000;
const HOUR = 60 * MIN;

interface Night {
  name: string;
  zone: string;
  /** A local time inside the hour that is skipped or repeated. */
  inHour: string;
  /** The one instant that local time means that night (first after the gap / first pass). */
  means: string;
  kind: 'gap' | 'repeat';
}

const NIGHTS: Night[] = [
  {
    name: 'Europe/London, spring forward (29 Mar 2026)',
    zone: 'Europe/London',
    inHour: '01:30',
    means: '2026-03-29T01:00:00Z',
    kind: 'gap',
  },
  { name: 'Europe/London, fall back (25 Oct 2026)', zone: 'Europe/London', inHour: '01:30', means: '2026-10-25T00:30:00Z', kind: 'repeat' },
  {
    name: 'America/New_York, spring forward (8 Mar 2026)',
    zone: 'America/New_York',
    inHour: '02:30',
    means: '2026-03-08T07:00:00Z',
    kind: 'gap',
  },
  {
    name: 'America/New_York, fall back (1 Nov 2026)',
    zone: 'America/New_York',
    inHour: '01:30',
    means: '2026-11-01T05:30:00Z',
    kind: 'repeat',
  },
  {
    name: 'Australia/Sydney, spring forward (4 Oct 2026)',
    zone: 'Australia/Sydney',
    inHour: '02:30',
    means: '2026-10-03T16:00:00Z',
    kind: 'gap',
  },
  {
    name: 'Australia/Sydney, fall back (5 Apr 2026)',
    zone: 'Australia/Sydney',
    inHour: '02:30',
    means: '2026-04-04T15:30:00Z',
    kind: 'repeat',
  },
];

const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

function plan(zone: string, extra: Record<string, unknown>): RoutinePlan {
  return planRoutine({ id: 'r', title: 'R', window: 7200, nag_every: 900, snooze: 600, ...extra } as never, { timezone: zone });
}

/** The reducer ticked at each wakeup (+5 ms, as the hub's timers) from `from` to `until`. */
function run(p: RoutinePlan, from: number, until: number, events: Array<[number, ReminderEvent]> = []) {
  let now = from;
  let state: ReminderState = initialState(p.id, now);
  const out: Array<{ at: number; e: Effect }> = [];
  const send = (event: ReminderEvent): void => {
    const r = step(state, event, now, p);
    state = r.state;
    for (const e of r.effects) out.push({ at: now, e });
  };
  const queue = [...events];
  for (let i = 0; i < 10_000; i++) {
    const w = nextWakeup(state, p, now);
    const tick = Math.min(w === undefined ? Infinity : w + 5, now + 6 * HOUR);
    const ev = queue[0];
    if (ev && ev[0] <= tick) {
      now = ev[0];
      queue.shift();
      send(ev[1]);
      continue;
    }
    if (tick > until) break;
    now = tick;
    send({ type: 'tick' });
  }
  return { out, state };
}

const recordsOf = (out: Array<{ at: number; e: Effect }>, kind: string) =>
  out.flatMap(({ e }) => (e.type === 'record' && e.kind === kind ? [e] : []));

for (const night of NIGHTS) {
  describe(`DST: ${night.name}`, () => {
    const means = T(night.means);
    const dayBefore = means - 24 * HOUR;

    it(`a due time of ${night.inHour} falls due once, at ${night.means}; its window is elapsed time`, () => {
      const p = plan(night.zone, { due: { daily: [night.inHour] } });
      const { out } = run(p, dayBefore + HOUR, means + 6 * HOUR);
      const due = recordsOf(out, 'due');
      expect(due.map((d) => new Date(d.at).toISOString())).toEqual([new Date(means).toISOString()]);
      expect(recordsOf(out, 'miss').map((m) => m.at)).toEqual([means + 2 * HOUR]);
    });

    it(`quiet hours ending at ${night.inHour} end once, at ${night.means}, and do not start again`, () => {
      const quiet = { from: minutes('22:00'), to: minutes(night.inHour) };
      expect(inQuietHours(means - MIN, quiet, night.zone)).toBe(true);
      for (let t = means; t < means + 12 * HOUR; t += 5 * MIN) {
        expect(inQuietHours(t, quiet, night.zone)).toBe(false);
        expect(nextQuietBoundary(t, quiet, night.zone)).toBeGreaterThan(means + 12 * HOUR);
      }
      for (let t = means - 3 * HOUR; t < means; t += 5 * MIN) expect(nextQuietBoundary(t, quiet, night.zone)).toBe(means);
    });

    it('a reminder held by those quiet hours comes back once at their end and nags every 15 min of elapsed time', () => {
      const p = plan(night.zone, {
        due: { daily: ['21:30'] },
        window: 8 * 3600,
        escalate_after: 0,
        quiet_hours: { from: minutes('22:00'), to: minutes(night.inHour) },
      });
      const { out } = run(p, means - 12 * HOUR, means + 3 * HOUR);
      const leds = out.filter(({ e }) => e.type === 'led').map(({ at, e }) => [at, (e as { on: boolean }).on] as const);
      // On at 21:30, off at 22:00 (held), on at the end of quiet hours, then refreshed per nag; never off again.
      const offs = leds.filter(([, on]) => !on).map(([at]) => at);
      expect(offs).toHaveLength(1);
      const backOn = leds.find(([at, on]) => on && at > offs[0]!)![0];
      expect(backOn - means).toBeGreaterThanOrEqual(0);
      expect(backOn - means).toBeLessThan(1000);
      const notes = recordsOf(out, 'notify')
        .map((n) => n.at)
        .filter((t) => t >= means);
      expect(notes.length).toBeGreaterThanOrEqual(10);
      for (let i = 1; i < notes.length; i++) expect(Math.abs(notes[i]! - notes[i - 1]! - 15 * MIN)).toBeLessThan(1000);
    });

    it('streak days are local dates: a week of dones around the change is seven days, each done', () => {
      const p = plan(night.zone, { due: { daily: [night.inHour] } });
      const start = means - 3 * 24 * HOUR;
      const { out } = run(
        p,
        start - HOUR,
        means + 4 * 24 * HOUR,
        Array.from(
          { length: 7 },
          (_, i) =>
            [p.schedule.next(start - 1 + i * 24 * HOUR - HOUR)! + 10 * MIN, { type: 'press', press: 'single' }] as [number, ReminderEvent],
        ),
      );
      const dones = recordsOf(out, 'done');
      expect(dones).toHaveLength(7);
      const s = streak(
        dones.map((d) => ({ kind: 'done', at: d.at, occurrence: d.occurrence ?? null })),
        p.schedule,
        means + 4 * 24 * HOUR - 1,
      );
      const dates = s.history.map((d) => d.date);
      expect(new Set(dates).size).toBe(7);
      expect(s.done).toBe(7);
      expect(dates).toContain(localDate(means, night.zone));
    });

    it('"today" ends at the next local midnight: a skip on the change day covers its later occurrence, not the next day\'s', () => {
      const p = plan(night.zone, { due: { daily: [night.inHour, '12:00'] }, window: 3600 });
      const { out, state } = run(p, means - HOUR, means + 26 * HOUR, [[means + 5 * MIN, { type: 'press', press: 'long' }]]);
      const skips = recordsOf(out, 'skip');
      expect(skips.map((s) => s.reason)).toEqual([undefined, 'skip-day']);
      expect(skips[1]!.at).toBeLessThan(startOfNextLocalDay(means, night.zone));
      expect(state.phase).not.toBe('skipped');
      expect(
        recordsOf(out, 'due')
          .map((d) => d.at)
          .filter((t) => t > means),
      ).toHaveLength(1); // the next day's
    });
  });
}
