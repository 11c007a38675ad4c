/**
 * A routine removed from hearth.yaml: at the next start or reload its saved pending state is
 * deleted (it would otherwise stay in reminder_state for ever); its history stays.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { householdEntities } from '../../../../src/config/entity-ids.js';
import type { HaClient } from '../../../../src/hub/ha/client.js';
import type { HubMqtt } from '../../../../src/hub/mqtt/client.js';
import { createReminders } from '../../../../src/hub/reminders/unit.js';
import { loadForHub } from '../../../../src/hub/config-loading.js';
import { createStore } from '../../../../src/hub/store/store.js';
import { silentLogger } from '../../../../src/log.js';

const repo = (p: string) => fileURLToPath(new URL(`../../../../${p}`, import.meta.url));
const none = () => () => {};

describe('reminders: removed routines', () => {
  it('start deletes the saved state of routines no longer configured, keeps the others and the history', async () => {
    const household = await loadForHub(repo('hearth.yaml'), repo('devices'), silentLogger());
    const store = createStore({ path: ':memory:' });
    // A fixed Saturday 14:00 BST: no routine pending (at a real 08:45 morning-meds would
    // escalate and call a service on this bare HA stand-in).
    const now = Date.parse('2026-06-06T13:00:00Z');
    store.saveReminderState('retired-routine', { routine: 'retired-routine', phase: 'due' }, now);
    store.record({ at: now, kind: 'done', routine: 'retired-routine', source: 'api' });
    const reminders = createReminders({
      household,
      devices: householdEntities(household),
      ha: {
        state: 'disconnected',
        subscribeStates: none,
        subscribeEvents: none,
        callService: () => Promise.resolve(),
      } as unknown as HaClient,
      mqtt: { state: 'disconnected', subscribe: none, onConnect: none } as unknown as HubMqtt,
      store,
      context: { prefix: 'homeassistant', baseTopic: 'hearth', version: 'test' },
      clock: { now: () => now },
      logger: silentLogger(),
    });
    reminders.start();
    reminders.stop();
    const saved = store.loadReminderStates();
    expect(saved.has('retired-routine')).toBe(false);
    expect([...saved.keys()].sort()).toEqual(household.config.routines.map((r) => r.id).sort());
    expect(store.history({ routine: 'retired-routine' })).toHaveLength(1);
    store.close();
  });
});
