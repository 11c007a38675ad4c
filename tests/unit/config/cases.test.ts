/**
 * The user-reported cases of issue 10 that concern device specs and hearth.yaml, each run as a
 * person would run it: `hearth esphome generate` (and `hearth run` for the schedule check) on
 * the case's own files (tests/fixtures/cases/<case>/, copied from the shared cases; each
 * expected.txt says what a user of ESPHome and HA expects).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadHousehold } from '../../../src/config/load.js';
import { createSchedule } from '../../../src/hub/reminders/core/schedule.js';

const REPO = resolve(import.meta.dirname, '../../..');
const TSX = join(REPO, 'node_modules/.bin/tsx');
const CLI = join(REPO, 'src/cli.ts');
const CASES = join(REPO, 'tests/fixtures/cases');
const scratch = mkdtempSync(join(tmpdir(), 'hearth-cases-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const files = (c: string) => ({ config: join(CASES, c, 'hearth.yaml'), devices: join(CASES, c, 'devices') });

/** `hearth <args…> --config … --devices …` on a case; stderr lines relative to the case dir. */
function hearth(c: string, ...args: string[]) {
  const { config, devices } = files(c);
  const run = spawnSync(TSX, [CLI, ...args, '--config', config, '--devices', devices], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
  const lines = run.stderr
    .replaceAll(`${join(CASES, c)}/`, '')
    .trim()
    .split('\n')
    .filter(Boolean);
  return { status: run.status, stdout: run.stdout, lines };
}

/** generate into a fresh out dir; `out` is its path (absent when nothing was written). */
function generate(c: string) {
  const out = join(scratch, c);
  return { ...hearth(c, 'esphome', 'generate', '--out', out), out };
}

const yamlOf = (text: string): Record<string, unknown> =>
  parse(text, { version: '1.1', customTags: [{ tag: '!secret', resolve: (s: string) => ({ secret: s }) }] }) as Record<string, unknown>;

// Real processes (tsx + the CLI): give a loaded 2-core machine time.
describe('issue 10 cases: device specs and hearth.yaml', { timeout: 90_000 }, () => {
  it('esp8285-gpio9-10: GPIO9/10 are ordinary pins on the ESP8285; the Sonoff 4CH button generates cleanly', () => {
    const run = generate('esp8285-gpio9-10');
    expect(run.lines).toEqual([]);
    expect(run.status).toBe(0);
    const doc = yamlOf(readFileSync(join(run.out, 'fourch-button.yaml'), 'utf8')) as { binary_sensor: { pin: { number: string } }[] };
    expect(doc.binary_sensor[0]!.pin.number).toBe('GPIO9');
  });

  it('esp8266-gpio17-button: exit 2, nothing written, the error on button.pin says GPIO17 (A0/TOUT) is analog-only', () => {
    const run = generate('esp8266-gpio17-button');
    expect(run.status).toBe(2);
    expect(existsSync(run.out)).toBe(false);
    expect(run.lines).toEqual([
      'devices/a0-button.yaml: button.pin: GPIO17 (A0/TOUT) is analog-only on the ESP8266 and cannot be a digital input for the button ' +
        '(ESPHome rejects it: "GPIO17 (TOUT) is an analog-only pin"); pick a digital pin',
    ]);
  });

  it('ids-differing-by-separator: exit 2, nothing written; the error names both routines and what they would share', () => {
    const run = generate('ids-differing-by-separator');
    expect(run.status).toBe(2);
    expect(existsSync(run.out)).toBe(false);
    expect(run.lines).toHaveLength(1);
    expect(run.lines[0]).toMatch(
      /^hearth\.yaml: routines\[1\]\.id: "water_plants" collides with routines\[0\]\.id "water-plants" once "-" and "_" are treated alike/,
    );
    expect(run.lines[0]).toContain('MQTT unique_id hearth_routine_water_plants');
    expect(run.lines[0]).toContain('discovery topic homeassistant/sensor/hearth/routine_water_plants/config');
  });

  it("esphome-name-bytes: exit 2, nothing written: friendly_name over 120 UTF-8 bytes is an error, '/' in friendly_name and area is reported", () => {
    const run = generate('esphome-name-bytes');
    expect(run.status).toBe(2);
    expect(existsSync(run.out)).toBe(false);
    expect(run.lines).toContain(
      'devices/kuche-button.yaml: friendly_name: is 147 bytes in UTF-8 (76 characters; letters like "ü" take 2 bytes or more); ' +
        'ESPHome allows at most 120 bytes (esphome: friendly_name); shorten it',
    );
    for (const field of ['friendly_name', 'area']) {
      const line = run.lines.find((l) => l.startsWith(`devices/hall-presence.yaml: ${field}: warning:`));
      expect(line, run.lines.join('\n')).toContain('contains "/"');
      expect(line).toContain('2027.7');
    }
  });

  it('esphome-time-periods: 1500ms is taken; hearth.yaml takes the same forms (window 1:30:00 = 90 min, nag_every 90s)', async () => {
    const run = generate('esphome-time-periods');
    expect(run.lines).toEqual([]);
    expect(run.status).toBe(0);
    expect(readFileSync(join(run.out, 'study-presence.yaml'), 'utf8')).toContain('- throttle_average: 1500ms');
    const household = await loadHousehold({
      configFile: files('esphome-time-periods').config,
      devicesDir: files('esphome-time-periods').devices,
    });
    expect(household.config.routines[0]).toMatchObject({ window: 90 * 60, nag_every: 90 });
    expect(household.devices[0]!.spec).toMatchObject({ report_interval: 1.5 });
  });

  it('irk-base64: the keychain base64 is converted as HA does (bytes reversed) and reaches ESPHome as 32 hex digits via !secret', () => {
    const run = generate('irk-base64');
    expect(run.lines).toEqual([]);
    expect(run.status).toBe(0);
    const text = readFileSync(join(run.out, 'study-presence.yaml'), 'utf8');
    expect(text).toContain('irk: !secret kim_phone_irk');
    expect(text).not.toContain('ESIzRFVmd4iZqrvM3e7/AA==');
    // "ESIzRFVmd4iZqrvM3e7/AA==" is 11 22 … ff 00; HA's Private BLE Device reverses base64 keys.
    const secrets = hearth('irk-base64', 'esphome', 'secrets');
    expect(secrets.status).toBe(0);
    expect((parse(secrets.stdout) as Record<string, string>).kim_phone_irk).toBe('00ffeeddccbbaa998877665544332211');
  });

  it('tasmota-migration-notes: the strip that ran Tasmota gets SetOption78 1 and a restart; the one built for ESPHome gets no migration steps', () => {
    const run = generate('tasmota-migration-notes');
    expect(run.status).toBe(0);
    const header = (name: string) => readFileSync(join(run.out, `${name}.yaml`), 'utf8').split('\n\n')[0]!;
    const desk = header('desk-strip');
    expect(desk).toContain('SetOption78 1');
    expect(desk).toContain('Restart 1');
    expect(desk).toContain('Upload Failed: Not compatible');
    expect(desk.indexOf('SetOption78 1')).toBeLessThan(desk.indexOf('Firmware Upgrade'));
    const tv = header('tv-strip').replace(/^# Source: .*$/m, ''); // the case folder's name has "tasmota" in it
    expect(tv).not.toMatch(/tasmota|migration|ESP8266|SetOption/i);
    expect(readdirSync(run.out).sort()).toEqual(['desk-strip.yaml', 'tv-strip.yaml']);
  });

  it("invalid-cron: generate and run exit 2 naming routines[0].due.cron with croner's reason; the never-due schedule is a warning", () => {
    const expectedError = 'hearth.yaml: routines[0].due.cron: invalid value for hour: 24';
    const expectedWarning = 'hearth.yaml: routines[1].due.cron: warning: "0 9 30 2 *" never falls due';
    const gen = generate('invalid-cron');
    expect(gen.status).toBe(2);
    expect(existsSync(gen.out)).toBe(false);
    expect(gen.lines.some((l) => l.startsWith(expectedError))).toBe(true);
    expect(gen.lines.some((l) => l.startsWith(expectedWarning))).toBe(true);
    const run = hearth('invalid-cron', 'run');
    expect(run.status).toBe(2);
    expect(run.lines.some((l) => l.startsWith(expectedError))).toBe(true);
  });

  it('invalid-cron, fixed: every schedule that loads can be planned by the hub (the plan-check of the case)', async () => {
    const { config, devices } = files('invalid-cron');
    const dir = mkdtempSync(join(scratch, 'cron-fixed-'));
    const { cpSync, writeFileSync } = await import('node:fs');
    cpSync(devices, join(dir, 'devices'), { recursive: true });
    writeFileSync(join(dir, 'hearth.yaml'), readFileSync(config, 'utf8').replace('"0 24 * * 0"', '"0 0 * * 0"'));
    const household = await loadHousehold({ configFile: join(dir, 'hearth.yaml'), devicesDir: join(dir, 'devices') });
    expect(household.warnings.map((w) => w.path)).toEqual(['routines[1].due.cron']);
    const now = Date.UTC(2026, 10, 29, 12);
    const next = household.config.routines.map((r) =>
      createSchedule('daily' in r.due ? ['0 8 * * *'] : [r.due.cron], household.config.timezone, r.window).next(now),
    );
    expect(next[0]).toBe(Date.UTC(2026, 11, 6, 0)); // Sunday 29 Nov 2026 12:00 → next Sunday 00:00 London (GMT)
    expect(next[1]).toBeUndefined();
  });
});
