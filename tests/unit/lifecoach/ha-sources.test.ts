/**
 * The check-in's facts read from HA (src/lifecoach/ha/sources.ts) against an in-memory HA that
 * answers `get_states` and `todo.get_items` as HA's websocket API does: a check-in's session
 * reads the states once for all its facts, every other read asks HA afresh, and a failed read is
 * not reused. The same against the real HA: tests/integration/lifecoach-ha.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { haSources } from '../../../src/lifecoach/ha/sources.js';
import { MORNING, TZ } from './fixtures.js';

function memoryHa(room: () => string) {
  const sent: string[] = [];
  let failNext = false;
  return {
    sent,
    failOnce: () => void (failNext = true),
    sendMessage<T>(m: { type: string; [k: string]: unknown }): Promise<T> {
      sent.push(m.type === 'call_service' ? `${m.domain as string}.${m.service as string}` : m.type);
      if (m.type === 'get_states') {
        if (failNext) {
          failNext = false;
          return Promise.reject(new Error('connection lost'));
        }
        return Promise.resolve([
          { entity_id: 'sensor.routine_morning_meds', state: 'due', attributes: { title: 'Take morning meds', streak: '3 of 7' } },
          { entity_id: 'sensor.sam_room', state: room(), attributes: {} },
          { entity_id: 'todo.shopping', state: '1', attributes: {} },
        ] as T);
      }
      return Promise.resolve({
        response: { 'todo.shopping': { items: [{ summary: 'Oat milk', status: 'needs_action' }] } },
      } as T);
    },
  };
}

const sourcesOf = (ha: ReturnType<typeof memoryHa>) =>
  haSources({ ha, person: { id: 'sam' }, routines: [{ id: 'morning-meds', title: 'Meds' }], timezone: TZ });

describe('HA sources', () => {
  it("one get_states serves a check-in's reads; the next check-in reads afresh", async () => {
    let room = 'office';
    const ha = memoryHa(() => room);
    const sources = sourcesOf(ha);
    const checkin = sources.session!();
    expect(await checkin.presence()).toEqual({ home: true, room: 'office' });
    expect((await checkin.routines(MORNING)).map((r) => [r.id, r.status])).toEqual([['morning-meds', 'pending']]);
    expect(await checkin.todos()).toEqual([{ list: 'todo.shopping', summary: 'Oat milk' }]);
    expect(ha.sent).toEqual(['get_states', 'todo.get_items']);

    room = 'kitchen';
    expect(await sources.session!().presence()).toEqual({ home: true, room: 'kitchen' });
    expect(ha.sent).toEqual(['get_states', 'todo.get_items', 'get_states']);
  });

  it('reads outside a check-in ask HA every time', async () => {
    let room = 'office';
    const ha = memoryHa(() => room);
    const sources = sourcesOf(ha);
    expect(await sources.presence()).toEqual({ home: true, room: 'office' });
    room = 'away';
    expect(await sources.presence()).toEqual({ home: false });
    expect(ha.sent).toEqual(['get_states', 'get_states']);
  });

  it("a failed read is not reused: the check-in's next read asks HA again", async () => {
    const ha = memoryHa(() => 'office');
    const checkin = sourcesOf(ha).session!();
    ha.failOnce();
    await expect(checkin.presence()).rejects.toThrow('connection lost');
    expect(await checkin.presence()).toEqual({ home: true, room: 'office' });
    expect(ha.sent).toEqual(['get_states', 'get_states']);
  });
});
