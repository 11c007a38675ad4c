/**
 * /metrics after reloads: every unit restart registers its series again (get-or-create), and
 * each name is still rendered once (Prometheus rejects a repeated `# TYPE`).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { householdEntities } from '../../../src/config/entity-ids.js';
import type { HaClient } from '../../../src/hub/ha/client.js';
import { createMetrics } from '../../../src/hub/metrics.js';
import type { HubMqtt } from '../../../src/hub/mqtt/client.js';
import { createReminders } from '../../../src/hub/reminders/unit.js';
import { loadForHub } from '../../../src/hub/config-loading.js';
import { createStore } from '../../../src/hub/store/store.js';
import { silentLogger } from '../../../src/log.js';

const repo = (p: string) => fileURLToPath(new URL(`../../../${p}`, import.meta.url));
const typeLines = (text: string) => text.split('\n').filter((l) => l.startsWith('# TYPE '));

describe('metrics registry: get-or-create', () => {
  it('registering a name again returns the same series (counters keep counting)', async () => {
    const m = createMetrics();
    m.counter('x_total', 'x', ['a']).inc({ a: '1' });
    m.counter('x_total', 'x', ['a']).inc({ a: '1' });
    m.histogram('h_seconds', 'h', [0.1, 1]).observe(0.05);
    m.histogram('h_seconds', 'h', [1, 0.1]).observe(0.5);
    const text = await m.render();
    expect(typeLines(text)).toEqual(['# TYPE x_total counter', '# TYPE h_seconds histogram']);
    expect(text).toContain('x_total{a="1"} 2');
    expect(text).toContain('h_seconds_count 2');
  });

  it('a gauge registered again reports through its newest collector', async () => {
    const m = createMetrics();
    m.gauge('g', 'g', () => 1);
    m.gauge('g', 'g', () => 2);
    expect(await m.render()).toBe('# HELP g g\n# TYPE g gauge\ng 2\n');
  });

  it('a count kept elsewhere is a counter read at scrape time, through its newest reader', async () => {
    const m = createMetrics();
    let connects = 3;
    m.countedElsewhere('c_total', 'c', () => connects);
    expect(await m.render()).toBe('# HELP c_total c\n# TYPE c_total counter\nc_total 3\n');
    connects = 5;
    m.countedElsewhere('c_total', 'c', () => connects + 1);
    expect(await m.render()).toBe('# HELP c_total c\n# TYPE c_total counter\nc_total 6\n');
  });

  it('the same name as another type is a programming error', () => {
    const m = createMetrics();
    m.counter('x_total', 'x');
    expect(() => m.gauge('x_total', 'x')).toThrow(/already registered as a counter/);
    m.histogram('h', 'h', [1]);
    expect(() => m.histogram('h', 'h', [2])).toThrow(/other buckets/);
  });

  it('reloads (the reminders unit created again and again) leave one TYPE line per metric', async () => {
    const household = await loadForHub(repo('hearth.yaml'), repo('devices'), silentLogger());
    const store = createStore({ path: ':memory:' });
    const metrics = createMetrics();
    const deps = {
      household,
      devices: householdEntities(household),
      ha: {} as HaClient,
      mqtt: {} as HubMqtt,
      store,
      context: { prefix: 'homeassistant', baseTopic: 'hearth', version: 'test' },
      clock: { now: () => Date.now() },
      logger: silentLogger(),
      metrics,
    };
    for (let i = 0; i < 3; i++) createReminders(deps).stop();
    const lines = typeLines(await metrics.render());
    expect(lines).toEqual([...new Set(lines)]);
    for (const name of ['hearth_press_handling_seconds', 'hearth_press_without_command_seconds', 'hearth_button_presses_total']) {
      expect(lines.filter((l) => l.startsWith(`# TYPE ${name} `))).toHaveLength(1);
    }
    store.close();
  });
});
