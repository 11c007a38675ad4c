/**
 * Case skip-after-midnight: skips, dones and streak days belong to the local day of the
 * occurrence they acknowledge, not to the moment the person acted.
 */
import { describe, expect, it } from 'vitest';
import { loadHousehold } from '../../../../../src/config/load.js';
import {
  initialState,
  nextWakeup,
  planRoutine,
  step,
  type Effect,
  type ReminderEvent,
  type ReminderState,
} from '../../../../../src/hub/reminders/core/reminder.js';
import { streak } from '../../../../../src/hub/reminders/core/streak.js';
import { createStore } from '../../../../../src/hub/store/store.js';

const T = (iso: string): number => Date.parse(iso);

async function casePlan() {
  const dir = 'tests/fixtures/cases/skip-after-midnight';
  const hh = await loadHousehold({ configFile: `${dir}/hearth.yaml`, devicesDir: `${dir}/devices` });
  return planRoutine(hh.config.routines[0]!, { timezone: hh.config.timezone });
}

/** The reducer ticked at each wakeup it asks for (+5 ms, as the hub's timers), effects kept. */
function driver(plan: Awaited<ReturnType<typeof casePlan>>, start: number) {
  let now = start;
  let state: ReminderState = initialState(plan.id, now);
  const log: Array<{ at: number; effect: Effect }> = [];
  const send = (event: ReminderEvent, at = now): void => {
    now = at;
    const r = step(state, event, now, plan);
    state = r.state;
    for (const effect of r.effects) log.push({ at: now, effect });
  };
  const runUntil = (end: number): void => {
    for (;;) {
      const w = nextWakeup(state, plan, now);
      const at = Math.min(w ?? Infinity, now + 3_600_000) + 5;
      if (at > end) break;
      send({ type: 'tick' }, at);
    }
    send({ type: 'tick' }, end);
  };
  return {
    send,
    runUntil,
    log,
    get state() {
      return state;
    },
  };
}

describe("acknowledgements belong to the occurrence's local day (case skip-after-midnight)", () => {
  it("skipping Monday's 23:30 at 00:10 on Tuesday leaves Tuesday's 23:30 due (LED on, due)", async () => {
    const plan = await casePlan();
    const d = driver(plan, T('2026-06-01T20:00:00Z')); // Mon 21:00 BST
    d.runUntil(T('2026-06-01T23:10:00Z')); // Tue 00:10 BST, inside Monday's window (until 01:30)
    expect(d.state.phase).toBe('nagging');
    d.send({ type: 'press', press: 'long' });
    expect(d.state.phase).toBe('skipped');
    const skip = d.log.find((l) => l.effect.type === 'record' && l.effect.kind === 'skip')!.effect;
    expect(skip).toMatchObject({ occurrence: T('2026-06-01T22:30:00Z') });
    const tuesday = T('2026-06-02T22:30:00Z'); // 23:30 BST
    d.runUntil(tuesday + 60_000);
    expect(d.state.occurrence?.start).toBe(tuesday);
    expect(['due', 'nagging']).toContain(d.state.phase);
    expect(d.log.some((l) => l.at >= tuesday && l.effect.type === 'led' && l.effect.on)).toBe(true);
    expect(d.log.some((l) => l.effect.type === 'record' && l.effect.reason === 'skip-day')).toBe(false);
  });

  it('a skip during the day still covers the later occurrences of that same day', async () => {
    const plan = planRoutine(
      { id: 'x', title: 'X', due: { daily: ['08:00', '20:00'] }, window: 7200, nag_every: 900, snooze: 600 } as never,
      { timezone: 'Europe/London' },
    );
    const d = driver(plan, T('2026-06-01T06:00:00Z'));
    d.runUntil(T('2026-06-01T07:10:00Z')); // 08:10 BST
    d.send({ type: 'press', press: 'long' });
    d.runUntil(T('2026-06-01T19:10:00Z')); // 20:10 BST
    expect(d.state.phase).toBe('skipped');
    expect(d.log.filter((l) => l.effect.type === 'record' && l.effect.reason === 'skip-day')).toHaveLength(1);
  });

  it("a done pressed after midnight counts for the occurrence's day in the streak, through the store", async () => {
    const plan = await casePlan();
    const store = createStore({ path: ':memory:' });
    const d = driver(plan, T('2026-05-25T20:00:00Z'));
    // A week of evenings, each done at 00:10 the next local day.
    for (let day = 0; day < 7; day++) {
      const pressAt = T('2026-05-25T23:10:00Z') + day * 86_400_000;
      d.runUntil(pressAt);
      d.send({ type: 'press', press: 'single' });
    }
    for (const { effect } of d.log) {
      if (effect.type !== 'record' || (effect.kind !== 'done' && effect.kind !== 'skip')) continue;
      const { type: _t, kind, routine, at, source, ...detail } = effect;
      store.record({ at, kind, routine, source, detail });
    }
    const now = T('2026-06-01T12:00:00Z'); // Mon midday BST
    const s = streak(store.streakRecords(plan.id, 0), plan.schedule, now);
    // Every settled day (Mon 25 … Sun 31) is done; none counted for the day of the press.
    expect(s.history.map((h) => [h.date, h.done])).toEqual([
      ['2026-05-31', true],
      ['2026-05-30', true],
      ['2026-05-29', true],
      ['2026-05-28', true],
      ['2026-05-27', true],
      ['2026-05-26', true],
      ['2026-05-25', true],
    ]);
    expect(s.done).toBe(7);
    store.close();
  });

  it("a skip recorded after midnight leaves out the occurrence's day, not the next", () => {
    const plan = planRoutine({ id: 'x', title: 'X', due: { daily: ['23:30'] }, window: 7200, nag_every: 900, snooze: 600 } as never, {
      timezone: 'Europe/London',
    });
    const records = [
      { kind: 'skip', at: T('2026-06-01T23:10:00Z'), occurrence: T('2026-06-01T22:30:00Z') }, // Mon's, at Tue 00:10
      { kind: 'done', at: T('2026-06-02T22:40:00Z'), occurrence: T('2026-06-02T22:30:00Z') }, // Tue's
    ];
    const s = streak(records, plan.schedule, T('2026-06-03T12:00:00Z'));
    expect(s.history.find((h) => h.date === '2026-06-01')).toBeUndefined();
    expect(s.history.find((h) => h.date === '2026-06-02')).toEqual({ date: '2026-06-02', done: true });
  });
});
