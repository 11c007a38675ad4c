/**
 * One golden example per device kind: tests/fixtures/esphome/golden/<name>.spec.yaml in,
 * <name>.expected.yaml out. After an intended change: UPDATE_GOLDEN=1 npx vitest run
 * tests/unit/esphome/golden.test.ts, then read the diff.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderDevice } from '../../../src/esphome/emit.js';
import { EMITTERS } from '../../../src/esphome/kinds/index.js';
import { DEVICE_KINDS } from '../../../src/config/kinds/index.js';
import { GOLDEN_DIR, GOLDEN_NAMES, goldenHousehold } from '../../fixtures/esphome/household.js';

describe('golden ESPHome configs', () => {
  const household = goldenHousehold();

  it('has one golden example per device kind and an emitter for every kind', () => {
    const kinds = household.devices.map((d) => d.spec.kind).sort();
    expect(kinds).toEqual(Object.keys(DEVICE_KINDS).sort());
    expect(Object.keys(EMITTERS).sort()).toEqual(Object.keys(DEVICE_KINDS).sort());
  });

  for (const name of GOLDEN_NAMES) {
    it(`${name}: spec in, YAML out`, () => {
      const device = household.devices.find((d) => d.spec.name === name)!;
      const text = renderDevice(device, household);
      const expectedFile = join(GOLDEN_DIR, `${name}.expected.yaml`);
      if (process.env.UPDATE_GOLDEN === '1' || !existsSync(expectedFile)) writeFileSync(expectedFile, text);
      expect(text).toBe(readFileSync(expectedFile, 'utf8'));
      // And it is YAML that parses (with the !secret tag known).
      const doc = parse(text, { customTags: [{ tag: '!secret', resolve: (s: string) => `secret:${s}` }] }) as Record<string, unknown>;
      expect(doc.esphome).toMatchObject({ name });
    });
  }
});
