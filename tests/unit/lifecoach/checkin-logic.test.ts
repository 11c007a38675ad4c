/** The pure check-in logic: context, prompt, fact check, fallback, skip/shorten and capture rules. */
import { describe, expect, it } from 'vitest';
import { checkinAnswer } from '../../../src/lifecoach/checkin/answer.js';
import { buildContext } from '../../../src/lifecoach/checkin/context.js';
import { factCheck } from '../../../src/lifecoach/checkin/fact-check.js';
import { fallbackCheckin } from '../../../src/lifecoach/checkin/fallback.js';
import { routineStatus } from '../../../src/lifecoach/checkin/facts.js';
import { messageFromAnswer, stateText } from '../../../src/lifecoach/checkin/message.js';
import { buildPrompt } from '../../../src/lifecoach/checkin/prompt.js';
import { mayCapture, planCheckin } from '../../../src/lifecoach/checkin/rules.js';
import { captureWhen } from '../../../src/config/lifecoach.js';
import { MORNING, TZ, at, person, routines, todos } from './fixtures.js';

const context = (overrides: Partial<Parameters<typeof buildContext>[0]> = {}) =>
  buildContext(
    { now: MORNING, timezone: TZ, person, routines, todos, presence: { home: true, room: 'kitchen' }, recent: [], ...overrides },
    { recent: 2 },
  );

describe('context', () => {
  it('orders routines by what matters now, leaves out the ones not due today, uses local times', () => {
    const c = context();
    expect(c.now).toBe('Monday 2026-11-30 08:30');
    expect(c.day_part).toBe('morning');
    expect(c.room).toBe('kitchen');
    expect(c.routines.map((r) => [r.id, r.status])).toEqual([
      ['morning-meds', 'pending'],
      ['stretch', 'snoozed'],
      ['water-plants', 'upcoming'],
      ['make-bed', 'done'],
    ]);
    expect(c.routines[1]).toMatchObject({ snoozed_until: '08:40', streak: '3 of 7 days' });
    expect(c.routines[3]).toMatchObject({ due: '07:30', done_at: '07:41' });
    expect(c.todos).toEqual([
      { list: 'todo.shopping', summary: 'Oat milk' },
      { list: 'todo.errands', summary: 'Post the parcel', due: '2026-11-30' },
    ]);
  });

  it('keeps the last few check-ins, newest first, and caps to-do items', () => {
    const recent = [1, 2, 3].map((h) => ({ at: at(`0${h}:00`), summary: `s${h}`, routines: [] }));
    const many = Array.from({ length: 14 }, (_, i) => ({ list: 'todo.x', summary: `item ${i}` }));
    const c = context({ recent, todos: many });
    expect(c.recent_checkins).toEqual([
      { when: 'today 03:00', summary: 's3' },
      { when: 'today 02:00', summary: 's2' },
    ]);
    expect(c.todos).toHaveLength(10);
    expect(c.more_todos).toBe(4);
  });

  it('hides the room while the person is away', () => {
    expect(context({ presence: { home: false, room: 'kitchen' } }).room).toBeNull();
  });

  it('maps the hub phases to statuses', () => {
    expect(routineStatus({ phase: 'nagging', doneToday: false, dueLaterToday: false })).toBe('pending');
    expect(routineStatus({ phase: 'idle', doneToday: true, dueLaterToday: true })).toBe('done');
    expect(routineStatus({ phase: 'idle', doneToday: false, dueLaterToday: true })).toBe('upcoming');
    expect(routineStatus({ phase: 'idle', doneToday: false, dueLaterToday: false })).toBe('not_today');
  });
});

describe('prompt', () => {
  it('carries the facts, is deterministic, and its hash changes with the facts', () => {
    const a = buildPrompt(context());
    expect(a.prompt).toContain('"id": "morning-meds"');
    expect(a.system).toMatch(/never invent/);
    expect(buildPrompt(context()).hash).toBe(a.hash);
    expect(buildPrompt(context({ presence: { home: true, room: 'office' } })).hash).not.toBe(a.hash);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('fact check', () => {
  const answer = checkinAnswer.parse({
    summary: 'Meds first',
    message: 'Your meds are waiting.',
    observations: [],
    routines: [
      { id: 'morning-meds', suggestion: 'do_now' },
      { id: 'feed-the-cat', suggestion: 'do_now' },
      { id: 'make-bed', suggestion: 'well_done' },
      { id: 'stretch', suggestion: 'well_done' },
      { id: 'morning-meds', suggestion: 'do_now' },
    ],
  });

  it('drops made-up routines, contradictions and duplicates, and says which', () => {
    const checked = factCheck(answer, context());
    expect(checked.answer.routines.map((r) => r.id)).toEqual(['morning-meds', 'make-bed']);
    expect(checked.dropped).toEqual(['feed-the-cat']);
    expect(checked.contradicted).toEqual(['stretch:well_done']);
    const message = messageFromAnswer(checked.answer, context());
    expect(message.actionable).toEqual(['morning-meds']);
  });
});

describe('fallback', () => {
  it('builds a check-in from routine data alone, marked with the reason', () => {
    const m = fallbackCheckin(context(), 'ollama_timeout_first_token');
    expect(m).toMatchObject({
      source: 'data',
      reason: 'ollama_timeout_first_token',
      summary: 'Still open: take morning meds and stretch.',
    });
    expect(m.message).toContain('Good morning, Sam.');
    expect(m.message).toContain('Done today: make the bed');
    expect(m.message).toContain('Later: water the plants at 18:00.');
    expect(m.message).toContain('Oat milk');
    expect(m.actionable).toEqual(['morning-meds', 'stretch']);
    expect(m.routines).toEqual(['morning-meds', 'stretch', 'make-bed']);
  });

  it('a short one leaves out what is not open', () => {
    const m = fallbackCheckin(context(), 'short:quiet_hours', { short: true });
    expect(m.message).not.toContain('Later');
    expect(m.routines).toEqual(['morning-meds', 'stretch']);
  });

  it('says so when nothing is due', () => {
    const m = fallbackCheckin(context({ routines: [], todos: [] }), 'x');
    expect(m.summary).toBe('Nothing due right now.');
    expect(m.message).toBe('Good morning, Sam. Nothing is waiting for you right now.');
  });

  it('keeps HA states within 255 characters', () => {
    expect(stateText('x'.repeat(300))).toHaveLength(255);
    expect(stateText('short')).toBe('short');
  });
});

describe('rules', () => {
  const base = {
    presence: { home: true },
    at: MORNING,
    timezone: TZ,
    quietHours: { from: 22 * 60, to: 7 * 60 },
    whenAway: 'skip' as const,
    inQuietHours: 'short' as const,
    manual: false,
  };

  it('runs in full at home outside quiet hours', () => {
    expect(planCheckin(base)).toEqual({ run: 'full' });
  });
  it('skips while away, shortens in quiet hours (not when asked for by hand), skip wins', () => {
    expect(planCheckin({ ...base, presence: { home: false } })).toEqual({ run: 'skip', reason: 'away' });
    const night = at('23:00');
    expect(planCheckin({ ...base, at: night })).toEqual({ run: 'short', reason: 'quiet_hours' });
    expect(planCheckin({ ...base, at: night, manual: true })).toEqual({ run: 'full' });
    expect(planCheckin({ ...base, at: night, presence: { home: false } })).toEqual({ run: 'skip', reason: 'away' });
    expect(planCheckin({ ...base, whenAway: 'short', presence: { home: false } })).toEqual({ run: 'short', reason: 'away' });
  });
  it('captures only with the switch on, the person home and in an allowed room', () => {
    const when = captureWhen.parse({ rooms: ['office', 'kitchen'] });
    expect(mayCapture({ camerasOn: true, cameraCount: 2, when, presence: { home: true, room: 'kitchen' } })).toEqual({ allowed: true });
    expect(mayCapture({ camerasOn: false, cameraCount: 2, when, presence: { home: true, room: 'kitchen' } })).toEqual({
      allowed: false,
      reason: 'cameras_off',
    });
    expect(mayCapture({ camerasOn: true, cameraCount: 2, when, presence: { home: false } })).toEqual({
      allowed: false,
      reason: 'person_away',
    });
    expect(mayCapture({ camerasOn: true, cameraCount: 2, when, presence: { home: true, room: 'bedroom' } })).toEqual({
      allowed: false,
      reason: 'room:bedroom',
    });
    expect(mayCapture({ camerasOn: true, cameraCount: 0, when, presence: { home: true } })).toEqual({
      allowed: false,
      reason: 'no_cameras',
    });
  });
});
