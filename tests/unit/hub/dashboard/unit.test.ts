/**
 * The dashboard mounted as the hub's `dashboard` unit (src/hub/dashboard/unit.ts): the last of
 * the configuration-built units, made from the hub's UnitDeps with its record in
 * `<state_dir>/dashboard.json`, and a unit made on a reload waits for the one it replaces (a
 * record read before the predecessor wrote it would look like an edit made in HA). What a
 * sync does: tests/unit/dashboard/unit.test.ts.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Household } from '../../../../src/config/household.js';
import { loadHousehold } from '../../../../src/config/load.js';
import { dashboardUnit } from '../../../../src/hub/dashboard/unit.js';
import type { UnitDeps } from '../../../../src/hub/unit.js';
import { CONFIG_UNITS } from '../../../../src/hub/units.js';
import { createLogger } from '../../../../src/log.js';
import { memoryHa, type MemoryHa } from '../../dashboard/memory-ha.js';
import { snapshotOf } from '../../dashboard/snapshot-fixture.js';

let household: Household;
let dir: string;
beforeAll(async () => {
  household = await loadHousehold({ configFile: 'hearth.yaml', devicesDir: 'devices' });
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-hub-dashboard-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** UnitDeps with only what the dashboard reads, and the log lines it writes. */
function depsOf(ha: MemoryHa): { deps: UnitDeps; lines: Array<{ level: number; msg: string }> } {
  const lines: Array<{ level: number; msg: string }> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
      callback();
    },
  });
  const h: Household = {
    ...household,
    config: { ...household.config, state_dir: join(dir, 'state'), dashboard: { ...household.config.dashboard, sync: true } },
  };
  return { deps: { household: h, ha, logger: createLogger({ level: 'info', destination }) } as unknown as UnitDeps, lines };
}

describe('the hub dashboard unit', () => {
  it('is the last configuration-built unit', () => {
    expect(CONFIG_UNITS.map((u) => u.name)).toEqual(['reminders', 'presence', 'lifecoach', 'dashboard']);
  });

  it("records its push in the hub's state directory", async () => {
    const ha = memoryHa(snapshotOf(household));
    const { deps, lines } = depsOf(ha);
    const unit = dashboardUnit.create(deps, undefined);
    unit.start();
    await unit.done;
    expect(ha.saves).toEqual(['hearth-home']);
    expect(existsSync(join(dir, 'state', 'dashboard.json'))).toBe(true);
    expect(lines.map((l) => l.msg)).toContain('dashboard synced');
  });

  it('made again while its predecessor still pushes, waits for it instead of taking its push for an edit', async () => {
    const ha = memoryHa(snapshotOf(household));
    const { deps, lines } = depsOf(ha);
    const first = dashboardUnit.create(deps, undefined);
    first.start(); // its sync is under way when a reload makes the next unit
    const second = dashboardUnit.create(deps, first);
    second.start();
    await second.done;
    expect(ha.saves).toEqual(['hearth-home']);
    // No warning: neither an edit refused nor a failure.
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
  });
});
