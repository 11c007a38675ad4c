import { describe, expect, it } from 'vitest';
import { checkinView, routineRows, type States } from '../../../src/dashboard/card/model.js';
import { checkConfig } from '../../../src/dashboard/card/config.js';
import type { HearthCardConfig } from '../../../src/dashboard/card/config.js';

const clock = { now: new Date('2026-11-29T10:30:00Z'), timeZone: 'Europe/London' };
const config: HearthCardConfig = {
  type: 'custom:hearth-card',
  routines: [
    { entity: 'sensor.routine_morning_meds', done: 'button.meds_done', snooze: 'button.meds_snooze' },
    { entity: 'sensor.routine_water_plants', done: 'button.plants_done', snooze: 'button.plants_snooze' },
    { entity: 'sensor.routine_desk_stretch', done: 'button.desk_done' },
  ],
};
const routine = (state: string, attributes: Record<string, unknown>) => ({ state, attributes: { streak: '3 of 7', ...attributes } });
const buttons: States = Object.fromEntries(
  ['button.meds_done', 'button.meds_snooze', 'button.plants_done', 'button.plants_snooze', 'button.desk_done'].map((b) => [
    b,
    { state: 'unknown', attributes: {} },
  ]),
);

describe("hearth card's checklist", () => {
  it('lists pending routines first with due time, state, streak, Done and Snooze', () => {
    const states: States = {
      ...buttons,
      'sensor.routine_morning_meds': routine('nagging', {
        title: 'Take morning meds',
        due_since: '2026-11-29T08:00:00Z',
        next_due: '2026-11-30T08:00:00Z',
      }),
      'sensor.routine_water_plants': routine('idle', { title: 'Water the plants', next_due: '2026-11-29T18:00:00Z' }),
      'sensor.routine_desk_stretch': routine('idle', {
        title: 'Stand up and stretch',
        next_due: '2026-11-30T10:00:00Z',
        last_done: '2026-11-28T10:05:00Z',
      }),
    };
    expect(routineRows(states, config, clock)).toEqual([
      {
        kind: 'routine',
        entity: 'sensor.routine_morning_meds',
        title: 'Take morning meds',
        state: 'nagging',
        label: 'Overdue',
        due: '08:00',
        streak: '3 of 7',
        pending: true,
        done: 'button.meds_done',
        snooze: 'button.meds_snooze',
      },
      {
        kind: 'routine',
        entity: 'sensor.routine_water_plants',
        title: 'Water the plants',
        state: 'idle',
        label: 'Not due',
        due: '18:00',
        streak: '3 of 7',
        pending: false,
      },
    ]);
  });

  it('shows a routine done today as done, without buttons; snoozed without Snooze', () => {
    const states: States = {
      ...buttons,
      'sensor.routine_morning_meds': routine('idle', {
        title: 'Meds',
        last_done: '2026-11-29T08:10:00Z',
        next_due: '2026-11-30T08:00:00Z',
      }),
      'sensor.routine_water_plants': routine('snoozed', { title: 'Plants', due_since: '2026-11-29T10:00:00Z' }),
    };
    const rows = routineRows(states, config, clock).filter((r) => r.kind === 'routine');
    expect(rows[0]).toMatchObject({ title: 'Plants', state: 'snoozed', done: 'button.plants_done' });
    expect(rows[0]).not.toHaveProperty('snooze');
    expect(rows[1]).toMatchObject({ title: 'Meds', state: 'done', label: 'Done', pending: false });
    expect(rows[1]).not.toHaveProperty('done');
  });

  it('says clearly when an entity is missing or has no value', () => {
    const states: States = { 'sensor.routine_water_plants': { state: 'unavailable', attributes: {} } };
    expect(routineRows(states, config, clock).map((r) => (r.kind === 'missing' ? r.message : r.kind))).toEqual([
      'Entity not available: sensor.routine_morning_meds',
      'sensor.routine_water_plants is unavailable: is hearth running?',
      'Entity not available: sensor.routine_desk_stretch',
    ]);
  });

  it('leaves out a button HA does not have', () => {
    const states: States = { 'sensor.routine_morning_meds': routine('due', { title: 'Meds', due_since: '2026-11-29T08:00:00Z' }) };
    const [row] = routineRows(states, config, clock);
    expect(row).not.toHaveProperty('done');
    expect(row).not.toHaveProperty('snooze');
  });

  it('uses the time zone of HA for "today" and due times', () => {
    // 23:30 UTC on the 29th is already the 30th in Auckland.
    const late = { now: new Date('2026-11-29T23:30:00Z'), timeZone: 'Pacific/Auckland' };
    const states: States = {
      ...buttons,
      'sensor.routine_morning_meds': routine('idle', { title: 'Meds', next_due: '2026-11-30T10:00:00Z' }),
    };
    const present = (c: typeof clock) => routineRows(states, config, c).filter((r) => r.kind === 'routine');
    expect(present(late)).toMatchObject([{ title: 'Meds', due: '23:00' }]);
    expect(present(clock)).toEqual([]);
  });
});

describe("hearth card's check-in", () => {
  it('prefers the long text attribute and says when it was', () => {
    // Attributes as the life coach publishes them (src/lifecoach/ha/discovery.ts checkinMessages).
    const model = {
      outcome: 'model',
      message: 'Looks rested; the desk is tidy. Water the plants after lunch?',
      at: '2026-11-29T09:00:00.000Z',
      reason: null,
    };
    const states: States = { 'sensor.sam_checkin': { state: 'Looks rested', attributes: model, last_changed: '2026-11-29T09:00:05Z' } };
    expect(checkinView(states, 'sensor.sam_checkin', clock)).toEqual({ kind: 'checkin', text: model.message, at: 'today 09:00' });
    const data = { state: 'Meds done, plants due', attributes: { outcome: 'data', message: null, at: '2026-11-28T18:30:00.000Z' } };
    expect(checkinView({ 'sensor.sam_checkin': data }, 'sensor.sam_checkin', clock)).toEqual({
      kind: 'checkin',
      text: 'Meds done, plants due',
      at: '2026-11-28 18:30',
      detail: 'From the routine data: the model did not answer in time.',
    });
    expect(checkinView({ 'sensor.sam_checkin': { state: 'unavailable', attributes: {} } }, 'sensor.sam_checkin', clock)).toEqual({
      kind: 'missing',
      message: 'sensor.sam_checkin is unavailable',
    });
    expect(checkinView({}, 'sensor.checkin', clock)).toEqual({ kind: 'missing', message: 'Entity not available: sensor.checkin' });
  });
});

describe('card config', () => {
  it('rejects a config without routines, naming the field', () => {
    expect(() => checkConfig({ type: 'custom:hearth-card' })).toThrow('`routines` must be a list');
    expect(() => checkConfig({ routines: [{}] })).toThrow('routines[0].entity');
    expect(checkConfig({ routines: [{ entity: 'sensor.x' }] })).toEqual({ type: 'custom:hearth-card', routines: [{ entity: 'sensor.x' }] });
  });
});
