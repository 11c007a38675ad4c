/**
 * The dashboard's sync unit (src/dashboard/unit.ts `createDashboardUnit`): it records its push
 * in the record file (0600), pushes again when made anew (a reload) only if HA holds something
 * else, never over an edit made in HA, and not at all without `dashboard.sync`. HA here is an
 * in-memory stand-in (memory-ha.ts); the browser test (tests/integration/dashboard.test.ts)
 * does the same against the real HA. The hub's mount: tests/unit/hub/dashboard/unit.test.ts.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Household } from '../../../src/config/household.js';
import { loadHousehold } from '../../../src/config/load.js';
import { createDashboardUnit, dashboardRecordFile, type DashboardUnit } from '../../../src/dashboard/unit.js';
import { silentLogger } from '../../../src/log.js';
import { memoryHa, type MemoryHa } from './memory-ha.js';
import { snapshotOf } from './snapshot-fixture.js';

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

const unitOf = (h: Household, ha: MemoryHa, previous?: DashboardUnit): DashboardUnit =>
  createDashboardUnit({
    household: h,
    ha,
    logger: silentLogger(),
    recordFile: dashboardRecordFile(h.config.state_dir),
    ...(previous ? { after: previous.done } : {}),
  });

describe('dashboard unit', () => {
  it('keeps its record in the state directory', () => {
    // The same file for `hearth run` and `hearth dashboard`: the state directory's rule (config/state-dir.ts).
    expect(dashboardRecordFile('/var/lib/hearth')).toBe('/var/lib/hearth/dashboard.json');
    expect(dashboardRecordFile(undefined)).toBe(join(process.env.STATE_DIRECTORY?.split(':')[0] ?? 'state', 'dashboard.json'));
  });

  it('pushes on start, records the push privately, and leaves an edit made in HA alone on the next start', async () => {
    const ha = memoryHa(snapshotOf(household));
    const first = unitOf(withSync(true), ha);
    first.start();
    await first.done;
    expect(ha.saves).toEqual(['hearth-home']);
    const record = join(dir, 'state', 'dashboard.json');
    expect(statSync(record).mode & 0o777).toBe(0o600);
    first.stop();

    // A reload makes the unit again: the same config is not written twice.
    const again = unitOf(withSync(true), ha, first);
    again.start();
    await again.done;
    expect(ha.saves).toEqual(['hearth-home']);

    // The person edits the dashboard in HA; the next unit (reload) does not overwrite it.
    const edited = { ...ha.dashboards.get('hearth-home')!, title: 'Edited in HA' };
    ha.dashboards.set('hearth-home', edited);
    const next = unitOf(withSync(true), ha, again);
    next.start();
    await next.done;
    expect(ha.dashboards.get('hearth-home')).toEqual(edited);
    expect(ha.saves).toEqual(['hearth-home']);
  });

  it('does nothing without dashboard.sync', async () => {
    const ha = memoryHa(snapshotOf(household));
    const unit = unitOf(withSync(false), ha);
    unit.start();
    await unit.done;
    expect(ha.saves).toEqual([]);
    expect(ha.dashboards.size).toBe(0);
  });
});
