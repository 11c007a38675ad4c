/**
 * Quiet hours: one rule, read the same way by both its users — a reminder (held: LED off, no
 * notification) and a life-coach check-in (skipped or shortened). Spans that cross midnight,
 * and the DST nights of the household's zone (hearth.yaml `timezone: Europe/London`): spring
 * forward 29 Mar 2026 (01:00 GMT → 02:00 BST), fall back 25 Oct 2026 (02:00 BST → 01:00 GMT).
 *
 * The instants marked `repeat` are where reading the clock's minute alone (the coach's rule
 * before it used this one) gives the other answer: the second pass of the repeated hour.
 */
import { describe, expect, it } from 'vitest';
import { quietHours as quietHoursSchema, routine } from '../../../src/config/hearth-config.js';
import { inQuietHours, lastQuietEnd, nextQuietBoundary, type QuietHours } from '../../../src/config/quiet-hours.js';
import { localTime } from '../../../src/config/wall-clock.js';
import { initialState, planRoutine, step } from '../../../src/hub/reminders/core/reminder.js';
import { planCheckin } from '../../../src/lifecoach/checkin/rules.js';

const LONDON = 'Europe/London';
const T = (iso: string): number => Date.parse(iso);
const MIN = 60_000;
const HOUR = 60 * MIN;

interface Case {
  name: string;
  quiet: { from: string; to: string };
  /** [instant (UTC), in quiet hours, `repeat` where the clock's minute alone says otherwise]. */
  at: Array<[string, boolean, 'repeat'?]>;
}

const CASES: Case[] = [
  {
    name: "the household's 22:00 → 07:00, across midnight on a winter day (GMT)",
    quiet: { from: '22:00', to: '07:00' },
    at: [
      ['2026-11-30T21:59:00Z', false],
      ['2026-11-30T22:00:00Z', true],
      ['2026-11-30T23:59:00Z', true],
      ['2026-12-01T00:00:00Z', true],
      ['2026-12-01T06:59:00Z', true],
      ['2026-12-01T07:00:00Z', false],
      ['2026-12-01T12:00:00Z', false],
    ],
  },
  {
    name: '22:00 → 07:00 across midnight on a summer day (BST)',
    quiet: { from: '22:00', to: '07:00' },
    at: [
      ['2026-07-01T20:59:00Z', false],
      ['2026-07-01T21:00:00Z', true],
      ['2026-07-01T23:00:00Z', true],
      ['2026-07-02T05:59:00Z', true],
      ['2026-07-02T06:00:00Z', false],
    ],
  },
  {
    name: '22:00 → 07:00 over the spring-forward night: 8 h of elapsed time, the skipped hour not counted',
    quiet: { from: '22:00', to: '07:00' },
    at: [
      ['2026-03-28T21:59:00Z', false],
      ['2026-03-28T22:00:00Z', true],
      ['2026-03-29T00:59:00Z', true],
      ['2026-03-29T01:00:00Z', true], // 02:00 BST
      ['2026-03-29T05:59:00Z', true], // 06:59 BST
      ['2026-03-29T06:00:00Z', false], // 07:00 BST
    ],
  },
  {
    name: '22:00 → 07:00 over the fall-back night: quiet through both passes of 01:00–02:00',
    quiet: { from: '22:00', to: '07:00' },
    at: [
      ['2026-10-24T20:59:00Z', false], // 21:59 BST
      ['2026-10-24T21:00:00Z', true], // 22:00 BST
      ['2026-10-25T00:30:00Z', true], // 01:30 BST
      ['2026-10-25T01:30:00Z', true], // 01:30 GMT
      ['2026-10-25T06:59:00Z', true],
      ['2026-10-25T07:00:00Z', false],
    ],
  },
  {
    name: '22:00 → 01:30 (across midnight) ending in the repeated hour: ends at the first 01:30, does not start again',
    quiet: { from: '22:00', to: '01:30' },
    at: [
      ['2026-10-25T00:29:00Z', true], // 01:29 BST
      ['2026-10-25T00:30:00Z', false], // 01:30 BST
      ['2026-10-25T00:59:00Z', false], // 01:59 BST
      ['2026-10-25T01:00:00Z', false, 'repeat'], // 01:00 GMT
      ['2026-10-25T01:29:00Z', false, 'repeat'], // 01:29 GMT
      ['2026-10-25T01:30:00Z', false], // 01:30 GMT
      ['2026-10-25T21:59:00Z', false],
      ['2026-10-25T22:00:00Z', true],
    ],
  },
  {
    name: '01:30 → 07:00 starting in the repeated hour: from the first 01:30, no gap when the clock goes back',
    quiet: { from: '01:30', to: '07:00' },
    at: [
      ['2026-10-25T00:29:00Z', false], // 01:29 BST
      ['2026-10-25T00:30:00Z', true], // 01:30 BST
      ['2026-10-25T00:59:00Z', true], // 01:59 BST
      ['2026-10-25T01:00:00Z', true, 'repeat'], // 01:00 GMT
      ['2026-10-25T01:29:00Z', true, 'repeat'], // 01:29 GMT
      ['2026-10-25T06:59:00Z', true],
      ['2026-10-25T07:00:00Z', false],
    ],
  },
  {
    name: '22:00 → 01:30 (across midnight) ending in the spring-forward gap: ends when the clock jumps past 01:30',
    quiet: { from: '22:00', to: '01:30' },
    at: [
      ['2026-03-28T22:00:00Z', true],
      ['2026-03-29T00:59:00Z', true], // 00:59 GMT
      ['2026-03-29T01:00:00Z', false], // 02:00 BST
      ['2026-03-29T12:00:00Z', false],
    ],
  },
  {
    name: '01:30 → 07:00 starting in the spring-forward gap: starts when the clock jumps past 01:30',
    quiet: { from: '01:30', to: '07:00' },
    at: [
      ['2026-03-29T00:59:00Z', false], // 00:59 GMT
      ['2026-03-29T01:00:00Z', true], // 02:00 BST
      ['2026-03-29T05:59:00Z', true], // 06:59 BST
      ['2026-03-29T06:00:00Z', false], // 07:00 BST
    ],
  },
  {
    name: '01:15 → 01:45, wholly inside the spring-forward gap: no quiet hours that night (not 24 h of them), as usual the next',
    quiet: { from: '01:15', to: '01:45' },
    at: [
      ['2026-03-29T00:59:00Z', false],
      ['2026-03-29T01:00:00Z', false], // 02:00 BST
      ['2026-03-29T12:00:00Z', false],
      ['2026-03-29T23:59:00Z', false],
      ['2026-03-30T00:15:00Z', true], // 01:15 BST
      ['2026-03-30T00:44:00Z', true],
      ['2026-03-30T00:45:00Z', false],
    ],
  },
];

const quietOf = (c: Case): QuietHours => quietHoursSchema.parse(c.quiet);

/** The reminders: a routine made due by hand at t, under the household's quiet hours. */
function reminderHeld(t: number, quiet: QuietHours): { held: boolean; ledOn: boolean } {
  const plan = planRoutine(routine.parse({ id: 'pills', title: 'Pills', due: { daily: ['12:00'] }, window: '2h' }), {
    timezone: LONDON,
    quiet_hours: quiet,
  });
  const { state, effects } = step(initialState('pills', t), { type: 'due', source: 'api' }, t, plan);
  return { held: state.held, ledOn: effects.some((e) => e.type === 'led' && e.on) };
}

/** The life coach: a scheduled check-in at t, shortened in quiet hours. */
function checkinPlan(t: number, quiet: QuietHours | undefined, extra: { manual?: boolean } = {}): ReturnType<typeof planCheckin> {
  return planCheckin({
    presence: { home: true },
    at: t,
    timezone: LONDON,
    quietHours: quiet,
    whenAway: 'skip',
    inQuietHours: 'short',
    manual: extra.manual ?? false,
  });
}

/** The coach's rule before this one: the local clock's minute alone, inside from–to. */
function byClockMinute(t: number, quiet: QuietHours): boolean {
  const m = localTime(t, LONDON).minute;
  return quiet.from < quiet.to ? m >= quiet.from && m < quiet.to : m >= quiet.from || m < quiet.to;
}

describe('quiet hours (Europe/London)', () => {
  for (const c of CASES) {
    describe(c.name, () => {
      const quiet = quietOf(c);

      it('the rule', () => {
        for (const [at, expected] of c.at) expect([at, inQuietHours(T(at), quiet, LONDON)]).toEqual([at, expected]);
      });

      it("a reminder's quiet window: held, LED off, exactly then", () => {
        for (const [at, expected] of c.at) expect([at, reminderHeld(T(at), quiet)]).toEqual([at, { held: expected, ledOn: !expected }]);
      });

      it("a check-in's quiet hours: shortened exactly then, in full when asked for by hand", () => {
        for (const [at, expected] of c.at) {
          expect([at, checkinPlan(T(at), quiet)]).toEqual([at, expected ? { run: 'short', reason: 'quiet_hours' } : { run: 'full' }]);
          expect(checkinPlan(T(at), quiet, { manual: true })).toEqual({ run: 'full' });
        }
      });

      it('the cases tell the rules apart: the clock minute alone is wrong exactly at the marked instants', () => {
        for (const [at, expected, mark] of c.at)
          expect([at, byClockMinute(T(at), quiet)]).toEqual([at, mark === 'repeat' ? !expected : expected]);
      });

      it('no start or end of quiet hours falls between now and the next boundary, and the last end is the last flip', () => {
        // Every minute over two days around the case: the reminders wake at nextQuietBoundary only.
        const first = T(c.at[0]![0]) - 26 * HOUR;
        const last = T(c.at[c.at.length - 1]![0]) + 26 * HOUR;
        const flips: Array<{ at: number; quiet: boolean }> = [];
        let was = inQuietHours(first, quiet, LONDON);
        for (let t = first + MIN; t <= last; t += MIN) {
          const now = inQuietHours(t, quiet, LONDON);
          if (now !== was) flips.push({ at: t, quiet: now });
          was = now;
        }
        expect(flips.length).toBeGreaterThan(0);
        for (let t = first; t < flips[flips.length - 1]!.at; t += 7 * MIN) {
          const nextFlip = flips.find((f) => f.at > t)!.at;
          expect([new Date(t).toISOString(), nextQuietBoundary(t, quiet, LONDON)! <= nextFlip]).toEqual([new Date(t).toISOString(), true]);
          const lastEnd = flips.filter((f) => f.at <= t && !f.quiet).pop();
          if (lastEnd) expect(lastQuietEnd(t, quiet, LONDON)).toBe(lastEnd.at);
        }
      });
    });
  }

  it('no quiet hours, or an empty span (from = to), is never quiet for either user', () => {
    const t = T('2026-11-30T23:00:00Z');
    for (const quiet of [undefined, { from: 600, to: 600 }]) {
      expect(inQuietHours(t, quiet, LONDON)).toBe(false);
      expect(nextQuietBoundary(t, quiet, LONDON)).toBeUndefined();
      expect(lastQuietEnd(t, quiet, LONDON)).toBeUndefined();
      expect(checkinPlan(t, quiet)).toEqual({ run: 'full' });
    }
  });
});
