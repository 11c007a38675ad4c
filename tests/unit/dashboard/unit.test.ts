/**
 * The dashboard as a hub unit (src/dashboard/unit.ts `dashboardUnit`): made from the hub's
 * UnitDeps, it records its push in `<state dir>/dashboard.json` (0600), pushes again when the
 * hub makes it anew (a reload), never over an edit made in HA, and not at all without
 * `dashboard.sync`. HA here is an in-memory stand-in answering the websocket commands the
 * dashboard sends (names and shapes as ha-commands.ts documents them); the browser test
 * (tests/integration/dashboard.test.ts) does the same against the real HA.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Household } from '../../../src/config/household.js';
import { loadHousehold } from '../../../src/config/load.js';
import type { LovelaceConfig } from '../../../src/dashboard/cards.js';
import type { HaSnapshot } from '../../../src/dashboard/snapshot.js';
import { dashboardRecordFile, dashboardUnit } from '../../../src/dashboard/unit.js';
import type { UnitDeps } from '../../../src/hub/unit.js';
import { CONFIG_UNITS } from '../../../src/hub/units.js';
import { silentLogger } from '../../../src/log.js';
import { snapshotOf } from './snapshot-fixture.js';

/** The commands' answers from one snapshot, and the dashboards HA holds. */
function memoryHa(snapshot: HaSnapshot) {
  const dashboards = new Map<string, LovelaceConfig | undefined>();
  const saves: string[] = [];
  return {
    dashboards,
    saves,
    whenRunning: () => Promise.resolve(),
    sendMessage<T>(m: { type: string; [k: string]: unknown }): Promise<T> {
      const answer = ((): unknown => {
        switch (m.type) {
          case 'auth/current_user':
            return { id: 'u1', name: 'hearth', is_admin: true, is_owner: false };
          case 'config/entity_registry/list':
            return snapshot.entities;
          case 'config/device_registry/list':
            return snapshot.devices;
          case 'get_states':
            return snapshot.states.map((entity_id) => ({ entity_id, state: 'on', attributes: {} }));
          case 'get_config':
            return { components: snapshot.components };
          case 'lovelace/info':
            return { resource_mode: 'storage' };
          case 'lovelace/resources':
            return [];
          case 'lovelace/dashboards/list':
            return [...dashboards.keys()].map((url_path) => ({ id: url_path, url_path, title: 'Home', mode: 'storage' }));
          case 'lovelace/dashboards/create':
            dashboards.set(m.url_path as string, undefined);
            return { id: m.url_path, url_path: m.url_path, title: m.title, mode: 'storage' };
          case 'lovelace/config': {
            const config = dashboards.get(m.url_path as string);
            if (!config) throw Object.assign(new Error('No config found.'), { code: 'config_not_found' });
            return config;
          }
          case 'lovelace/config/save':
            dashboards.set(m.url_path as string, m.config as LovelaceConfig);
            saves.push(m.url_path as string);
            return null;
          default:
            throw new Error(`unexpected command ${m.type}`);
        }
      })();
      return Promise.resolve(answer as T);
    },
  };
}

let household: Household;
let dir: string;
beforeAll(async () => {
  household = await loadHousehold({ configFile: 'hearth.yaml', devicesDir: 'devices' });
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-dashboard-unit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const withSync = (sync: boolean): Household => ({
  ...household,
  config: { ...household.config, state_dir: join(dir, 'state'), dashboard: { ...household.config.dashboard, sync } },
});

function depsOf(h: Household, ha: ReturnType<typeof memoryHa>): UnitDeps {
  return { household: h, ha, store: { path: join(dir, 'state', 'hearth.sqlite') }, logger: silentLogger() } as unknown as UnitDeps;
}

describe('dashboard unit', () => {
  it('is one of the configuration-built units, after presence', () => {
    expect(CONFIG_UNITS.map((u) => u.name).slice(-1)).toEqual(['dashboard']);
    // The same file for `hearth run` and `hearth dashboard`: the state directory's rule (config/state-dir.ts).
    expect(dashboardRecordFile('/var/lib/hearth')).toBe('/var/lib/hearth/dashboard.json');
    expect(dashboardRecordFile(undefined)).toBe(join(process.env.STATE_DIRECTORY?.split(':')[0] ?? 'state', 'dashboard.json'));
  });

  it('pushes on start, records the push privately, and leaves an edit made in HA alone on the next start', async () => {
    const ha = memoryHa(snapshotOf(household));
    const first = dashboardUnit.create(depsOf(withSync(true), ha), undefined);
    first.start();
    await first.done;
    expect(ha.saves).toEqual(['hearth-home']);
    const record = join(dir, 'state', 'dashboard.json');
    expect(statSync(record).mode & 0o777).toBe(0o600);
    first.stop();

    // A reload makes the unit again: the same config is not written twice.
    const again = dashboardUnit.create(depsOf(withSync(true), ha), first);
    again.start();
    await again.done;
    expect(ha.saves).toEqual(['hearth-home']);

    // The person edits the dashboard in HA; the next unit (reload) does not overwrite it.
    const edited = { ...ha.dashboards.get('hearth-home')!, title: 'Edited in HA' };
    ha.dashboards.set('hearth-home', edited);
    const next = dashboardUnit.create(depsOf(withSync(true), ha), again);
    next.start();
    await next.done;
    expect(ha.dashboards.get('hearth-home')).toEqual(edited);
    expect(ha.saves).toEqual(['hearth-home']);
  });

  it('does nothing without dashboard.sync', async () => {
    const ha = memoryHa(snapshotOf(household));
    const unit = dashboardUnit.create(depsOf(withSync(false), ha), undefined);
    unit.start();
    await unit.done;
    expect(ha.saves).toEqual([]);
    expect(ha.dashboards.size).toBe(0);
  });
});
