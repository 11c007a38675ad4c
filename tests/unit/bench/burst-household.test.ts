import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { burstButton, burstHousehold, burstRoutine } from '../../../bench/lib/burst-household.js';
import { loadHousehold } from '../../../src/config/load.js';
import { householdEntities } from '../../../src/config/entity-ids.js';

const repo = new URL('../../../', import.meta.url).pathname;

describe('burstHousehold', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('adds buttons with a routine each that hearth loads beside the repo household, as the bench hub does', async () => {
    const extra = burstHousehold(50);
    dir = mkdtempSync(join(tmpdir(), 'hearth-burst-test-'));
    const devicesDir = join(dir, 'devices');
    cpSync(join(repo, 'devices'), devicesDir, { recursive: true });
    for (const spec of extra.devices) writeFileSync(join(devicesDir, `${String(spec.name)}.yaml`), stringify(spec));
    const config = parse(readFileSync(join(repo, 'hearth.yaml'), 'utf8')) as { routines: unknown[] };
    config.routines = [...config.routines, ...extra.routines];
    const configFile = join(dir, 'hearth.yaml');
    writeFileSync(configFile, stringify(config));

    const household = await loadHousehold({ configFile, devicesDir });
    const buttons = householdEntities(household).filter((d) => d.device.startsWith('burst-button-'));
    expect(buttons).toHaveLength(50);
    expect(buttons.find((d) => d.device === burstButton(49))?.routine).toBe(burstRoutine(49));
    // Each has the press and the LED the bench presses and watches.
    for (const d of buttons) expect(d.entities.map((e) => e.role).sort()).toEqual(expect.arrayContaining(['led', 'press']));
  });

  it('names each button and routine once', () => {
    const { devices, routines } = burstHousehold(12);
    expect(new Set(devices.map((d) => d.name)).size).toBe(12);
    expect(new Set(routines.map((r) => r.id)).size).toBe(12);
  });
});
