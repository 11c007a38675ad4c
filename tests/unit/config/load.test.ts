/** The loader end to end: the household's real specs, the fixtures, and how problems are reported. */
import { describe, expect, it } from 'vitest';
import { checkHousehold, loadHousehold } from '../../../src/config/load.js';
import { ConfigError, formatIssue, formatPath } from '../../../src/config/issues.js';
import { parsePath } from '../../../src/config/parse.js';
import { button, loadFiles, presence } from './helpers.js';

const fixture = (name: string) => ({
  configFile: `tests/fixtures/specs/${name}/hearth.yaml`,
  devicesDir: `tests/fixtures/specs/${name}/devices`,
});

describe('the household (repo root hearth.yaml + devices/)', () => {
  it('loads with no errors and no warnings', async () => {
    const { household, issues } = await checkHousehold();
    expect(issues.map(formatIssue)).toEqual([]);
    expect(household).toBeDefined();
  });

  it('has the buttons, presence nodes and LED strip it needs', async () => {
    const household = await loadHousehold();
    expect(household.configFile).toBe('hearth.yaml');
    expect(household.config.timezone).toBe('Europe/London');
    expect(household.config.people.map((p) => p.id)).toContain('sam');
    const byName = new Map(household.devices.map((d) => [d.spec.name, d]));
    for (const [name, routine] of [
      ['kitchen-meds-button', 'morning-meds'],
      ['plants-button', 'water-plants'],
      ['desk-stretch-button', 'desk-stretch'],
    ]) {
      expect(byName.get(name!)?.spec).toMatchObject({ kind: 'reminder-button', routine, board: 'esp32dev' });
    }
    const rooms = household.devices.flatMap((d) => (d.spec.kind === 'presence-node' ? [d.spec.room] : []));
    expect(rooms).toEqual(expect.arrayContaining(['kitchen', 'living-room', 'bedroom', 'office']));
    expect(byName.get('bedroom-strip')).toMatchObject({
      file: 'devices/bedroom-strip.yaml',
      spec: { kind: 'led-strip', board: 'esp01_1m', migrated_from: 'Tasmota', light: { type: 'rgbw' } },
    });
    const morning = household.config.routines.find((r) => r.id === 'morning-meds');
    expect(morning).toMatchObject({ due: { daily: ['08:00'] }, escalate_after: 45 * 60 });
  });

  it('lists devices sorted by file name', async () => {
    const household = await loadHousehold();
    const files = household.devices.map((d) => d.file);
    expect(files).toEqual([...files].sort());
  });
});

describe('fixtures', () => {
  it('good-all-kinds: every tracker and light type, .yml included, loads cleanly', async () => {
    const { household, issues } = await checkHousehold(fixture('good-all-kinds'));
    expect(issues).toEqual([]);
    expect(household!.devices.map((d) => d.file.replace(/^.*\//, ''))).toEqual([
      'desk-strip.yaml',
      'hall-presence-2.yaml',
      'hall-presence.yml',
      'kitchen-meds-button.yaml',
      'shelf-strip.yaml',
    ]);
    expect(household!.config.trackers.map((t) => t.type)).toEqual(['irk', 'ibeacon', 'mac']);
  });

  it('bad-many: every problem in every file is reported in one run', async () => {
    const dir = 'tests/fixtures/specs/bad-many';
    const { household, issues } = await checkHousehold(fixture('bad-many'));
    expect(household).toBeUndefined();
    expect(issues.map(formatIssue).map((l) => l.replace(`${dir}/`, ''))).toEqual([
      'devices/a-button.yaml: routine: unknown routine "morning-med"; did you mean "morning-meds"?',
      'devices/a-button.yaml: button.pin: GPIO6 is wired to the flash on the esp32dev (ESP32-WROOM-32: flash clock); ESPHome refuses it and using it crashes the board',
      'devices/a-button.yaml: led.pin: GPIO34 is input-only on the ESP32 and cannot drive the LED (a PWM output); pick an output-capable pin',
      'devices/b-presence.yaml: board: a presence-node scans Bluetooth LE, but board "esp01_1m" is an ESP8266, which has no Bluetooth; use an ESP32 board such as esp32dev',
      'devices/b-presence.yaml: tracks[0]: unknown tracker "sam-iphon"; did you mean "sam-iphone"?',
      'devices/c-light.yaml: kind: unknown kind "led-light"; known kinds: reminder-button, presence-node, led-strip',
      'hearth.yaml: trackers[0].person: unknown person "samm"; did you mean "sam"?',
      'hearth.yaml: routines[0].escalate_afer: unknown key "escalate_afer"; did you mean "escalate_after"?',
    ]);
  });

  it('bad-yaml: syntax errors, duplicate keys and !secret in three files, each with line:col', async () => {
    const { issues } = await checkHousehold(fixture('bad-yaml'));
    expect(issues.map((i) => [i.file.replace(/^.*specs\/bad-yaml\//, ''), i.line, i.col])).toEqual([
      ['devices/kitchen-meds-button.yaml', 7, 1],
      ['devices/office-presence.yaml', 5, 10],
      ['hearth.yaml', 8, 5],
    ]);
    expect(issues.map((i) => i.message)).toEqual([
      'duplicate key "button": map keys must be unique',
      expect.stringContaining('YAML tag "!secret" is not allowed here'),
      expect.stringMatching(/^YAML syntax error: /),
    ]);
  });
});

describe('loadHousehold', () => {
  it('throws one ConfigError carrying every error, each line `file: path: message`', async () => {
    const error = await loadHousehold(fixture('bad-many')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const { issues, message } = error as ConfigError;
    expect(issues).toHaveLength(8);
    expect(message.split('\n')).toHaveLength(8);
    expect(message).toContain('tests/fixtures/specs/bad-many/devices/a-button.yaml: button.pin: GPIO6 is wired to the flash');
  });

  it('does not throw for warnings; they are in household.warnings', async () => {
    const loaded = await loadFiles({ 'devices/a.yaml': button('a', { button: 'GPIO15' }) });
    expect(loaded.household?.warnings.map((w) => [w.file, w.path, w.severity])).toEqual([['devices/a.yaml', 'button.pin', 'warning']]);
  });

  it('a missing hearth.yaml is an error, and the device specs are still checked', async () => {
    const error = await loadHousehold({
      configFile: 'tests/fixtures/specs/nope.yaml',
      devicesDir: 'tests/fixtures/specs/bad-many/devices',
    }).catch((e: unknown) => e as ConfigError);
    const lines = (error as ConfigError).issues.map(formatIssue);
    expect(lines).toContain('tests/fixtures/specs/nope.yaml: file not found');
    expect(lines.some((l) => l.includes('c-light.yaml: kind: unknown kind'))).toBe(true);
  });

  it('a missing devices directory is an error', async () => {
    const { issues } = await checkHousehold({ configFile: 'hearth.yaml', devicesDir: 'tests/fixtures/specs/no-such-dir' });
    expect(issues.map(formatIssue)).toEqual(['tests/fixtures/specs/no-such-dir: devices directory not found']);
  });

  it('ignores hidden files and non-YAML files in devices/', async () => {
    const loaded = await loadFiles({
      'devices/kitchen.yaml': presence('kitchen', 'kitchen'),
      'devices/.kitchen.yaml.swp.yaml': 'not: [valid',
      'devices/README.md': '# notes',
    });
    expect(loaded.issues).toEqual([]);
    expect(loaded.household!.devices.map((d) => d.file)).toEqual(['devices/kitchen.yaml']);
  });
});

describe('paths', () => {
  it('formatPath and parsePath are inverses', () => {
    const path = ['trackers', 1, 'irk'];
    expect(formatPath(path)).toBe('trackers[1].irk');
    expect(parsePath('trackers[1].irk')).toEqual(path);
    expect(formatPath(['tracks', 0])).toBe('tracks[0]');
    expect(formatPath([])).toBe('');
  });

  it('formatIssue: file: path: message; position instead when there is no path', () => {
    expect(formatIssue({ file: 'a.yaml', path: 'led.pin', message: 'm', severity: 'error', line: 3, col: 2 })).toBe('a.yaml: led.pin: m');
    expect(formatIssue({ file: 'a.yaml', path: '', message: 'm', severity: 'error', line: 3, col: 2 })).toBe('a.yaml:3:2: m');
    expect(formatIssue({ file: 'a.yaml', path: 'x', message: 'm', severity: 'warning' })).toBe('a.yaml: x: warning: m');
  });
});
