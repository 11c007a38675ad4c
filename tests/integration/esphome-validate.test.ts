/**
 * The generated configs against the REAL ESPHome (toolchain/esphome: the pinned release in
 * hearth's cached rootfs; built on first use, which can take minutes). No skipping: without
 * the toolchain this fails and says why.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHousehold } from '../../src/config/load.js';
import type { Household } from '../../src/config/household.js';
import { haSlugify } from '../../src/config/entity-ids.js';
import { generate } from '../../src/esphome/generate.js';
import { validateDir, type ValidateResult } from '../../src/esphome/validate.js';
import { WIDE_SPECS, device, household } from '../fixtures/esphome/household.js';
import { checkDeviceHardware } from '../../src/config/pin-checks.js';
import { slashWarnings } from '../../src/config/esphome-strings.js';
import { deviceSpec } from '../../src/config/kinds/index.js';
import { renderDevice } from '../../src/esphome/emit.js';
import { readTrackerKeys, secretsTemplate } from '../../src/esphome/secrets.js';
import type { LoadedDevice } from '../../src/config/household.js';

const REPO = resolve(import.meta.dirname, '../..');
const ESPHOME = join(REPO, 'toolchain', 'esphome');
const PINNED = /^ESPHOME_VERSION=(\S+)$/m.exec(readFileSync(join(REPO, 'toolchain', 'pins.env'), 'utf8'))?.[1];

/** Every failing file with ESPHome's own words, so a red test says what ESPHome objected to. */
function report(result: ValidateResult): string {
  return result.results
    .filter((r) => !r.ok)
    .map((r) => `--- ${r.device} (exit ${r.exitCode}) ---\n${r.output}`)
    .join('\n');
}

describe('generated configs pass the real `esphome config`', () => {
  let root: string;
  beforeAll(() => {
    if (!existsSync(ESPHOME)) {
      throw new Error(`${ESPHOME} is missing: the ESPHome integration tests need hearth's toolchain (toolchain/README.md)`);
    }
    // First use builds the rootfs (toolchain/ensure.sh); later runs take well under a second.
    const version = spawnSync(ESPHOME, ['version'], { encoding: 'utf8', timeout: 280_000 });
    if (version.status !== 0)
      throw new Error(`toolchain/esphome version failed (exit ${version.status}):\n${version.stdout}${version.stderr}`);
    expect(version.stdout.trim()).toBe(`Version: ${PINNED}`);
    root = mkdtempSync(join(tmpdir(), 'hearth-esphome-it-'));
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  async function generateAndValidate(name: string, h: Household, esphomeArgs?: string[]): Promise<ValidateResult> {
    const out = join(root, name);
    await generate(h, { outDir: out });
    const result = await validateDir(out, { esphome: ESPHOME, ...(esphomeArgs ? { esphomeArgs } : {}) });
    expect(result.ok, report(result)).toBe(true);
    return result;
  }

  it("the repo's hearth.yaml + devices/", async () => {
    const h = await loadHousehold({ configFile: join(REPO, 'hearth.yaml'), devicesDir: join(REPO, 'devices') });
    const result = await generateAndValidate('repo', h);
    expect(result.results.map((r) => r.device).sort()).toEqual(h.devices.map((d) => d.spec.name).sort());
  });

  it('every option: all kinds, rgb/rgbw/ws2812 on ESP8266 and ESP32, irk/ibeacon/mac, area, domain, min_version, C3/S3', async () => {
    const h = household(WIDE_SPECS.map(device), { domain: '.lan', min_version: '2026.1.0' });
    const result = await generateAndValidate('wide', h);
    expect(result.results).toHaveLength(WIDE_SPECS.length);
  });

  it('fleet defaults off: no fallback hotspot, no domain, custom secret names', async () => {
    const h = household(WIDE_SPECS.slice(0, 3).map(device), {
      fallback_ap: false,
      wifi_ssid_secret: 'home_ssid',
      api_key_secret: 'api_{name}',
      ota_password_secret: 'ota_{name}',
    });
    await generateAndValidate('defaults-off', h);
  });

  it('the issue-10 cases that generate pass it: ESP8285 GPIO9, 1500ms, a base64 IRK (validated through the secrets template), Tasmota notes', async () => {
    for (const c of ['esp8285-gpio9-10', 'esphome-time-periods', 'irk-base64', 'tasmota-migration-notes']) {
      const dir = join(REPO, 'tests/fixtures/cases', c);
      const h = await loadHousehold({ configFile: join(dir, 'hearth.yaml'), devicesDir: join(dir, 'devices') });
      const out = join(root, `case-${c}`);
      await generate(h, { outDir: out });
      // The real secrets file a person would write from `hearth esphome secrets`: tracker keys
      // hold their converted values, so ESPHome's own `irk:` validator (cv.uuid) checks them.
      const secrets = join(root, `case-${c}-secrets.yaml`);
      const template = secretsTemplate(h, { generate: true, trackerKeys: await readTrackerKeys(h) });
      writeFileSync(secrets, template.replaceAll('"CHANGE ME"', '"placeholder-value"'));
      const result = await validateDir(out, { esphome: ESPHOME, jobs: 2, secretsFile: secrets });
      expect(result.ok, `${c}:\n${report(result)}`).toBe(true);
    }
  });

  it('`esphome compile --only-generate` produces the C++ for an ESP32 and the ESP8266 (offline)', async () => {
    const h = await loadHousehold({ configFile: join(REPO, 'hearth.yaml'), devicesDir: join(REPO, 'devices') });
    const esp32 = h.devices.find((d) => d.spec.kind === 'reminder-button')!;
    const esp8266 = h.devices.find((d) => d.spec.kind === 'led-strip')!;
    const subset: Household = { ...h, devices: [esp32, esp8266] };
    const out = join(root, 'codegen');
    await generate(subset, { outDir: out });
    const work = join(root, 'codegen-work');
    const result = await validateDir(out, { esphome: ESPHOME, esphomeArgs: ['compile', '--only-generate'], workDir: work });
    expect(result.ok, report(result)).toBe(true);
    const mainCpp = (name: string) => readFileSync(join(work, '.esphome', 'build', name, 'src', 'main.cpp'), 'utf8');
    const button = mainCpp(esp32.spec.name);
    for (const type of ['single', 'double', 'long']) expect(button).toContain(`button_event->trigger("${type}")`);
    expect(button).toMatch(/PulseLightEffect/);
    expect(mainCpp(esp8266.spec.name)).toMatch(/ESP8266PWM/);
  });
});

describe("haSlugify agrees with Home Assistant's own slugify (toolchain/hass-python)", () => {
  const HASS_PYTHON = join(REPO, 'toolchain', 'hass-python');
  const CASES = [
    'Kitchen meds button Button',
    "Sam's hall   button",
    'Sam\u2019s phone',
    'Küche Licht',
    'Crème brûlée',
    'Straße Ærø Łódź',
    '1,000 lights',
    'a, b',
    '  --Hall__light--  ',
    'Tom &amp; Jerry',
    'café&#39;s',
    '!!!',
    'x\u2026y \u00d7 20\u00b0',
    'Living room presence Sam iphone RSSI',
    "Kitchen Kitchen presence Sam's iPhone RSSI",
  ];

  it('for Latin-script names, edge cases included', () => {
    if (!existsSync(HASS_PYTHON)) throw new Error(`${HASS_PYTHON} is missing: this test needs hearth's toolchain (toolchain/README.md)`);
    const script =
      'import json, sys\nfrom homeassistant.util import slugify\nprint(json.dumps([slugify(c) for c in json.load(sys.stdin)]))';
    const run = spawnSync(HASS_PYTHON, ['-c', script], { input: JSON.stringify(CASES), encoding: 'utf8', timeout: 280_000 });
    if (run.status !== 0) throw new Error(`hass-python failed (exit ${run.status}):\n${run.stdout}${run.stderr}`);
    const theirs = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as string[];
    expect(CASES.map((c) => haSlugify(c))).toEqual(theirs);
  });
});

/**
 * hearth's pin and string rules against ESPHome's own: each row is rendered even where hearth
 * refuses it (the emitter does not re-check), and the real `esphome config` must agree, an
 * error where hearth errs and a pass where hearth passes or only warns.
 */
describe("hearth's pin and string rules agree with ESPHome's", () => {
  const button = (board: string, pin: number | string, led: number | string, extra: Record<string, unknown> = {}) => ({
    kind: 'reminder-button',
    board,
    routine: 'morning-meds',
    button: { pin, pullup: false },
    led: { pin: led },
    ...extra,
  });
  const ws2812 = (board: string, pin: number) => ({ kind: 'led-strip', board, light: { type: 'ws2812', pin, num_leds: 10 } });
  type Verdict = 'error' | 'warning' | 'clean';
  const ROWS: Array<[name: string, spec: Record<string, unknown>, hearth: Verdict, overrides?: Record<string, unknown>]> = [
    ['a0-button', button('d1_mini', 17, 4), 'error'],
    ['a0-led', button('d1_mini', 4, 17), 'error'],
    ['gpio16-ws2812-8266', ws2812('d1_mini', 16), 'error'],
    ['gpio16-ws2812-esp32', ws2812('esp32dev', 16), 'clean'],
    ['input-only-led', button('esp32dev', 25, 34), 'error'],
    ['flash-led', button('esp32dev', 25, 6), 'error'],
    ['esp8285-gpio9', button('esp8285', 9, 10), 'clean'],
    ['esp12-gpio10-led', button('d1_mini', 4, 10), 'warning'],
    ['s3-flash', button('esp32-s3-devkitc-1', 4, 26), 'error'],
    ['c3-usb-jtag', button('esp32-c3-devkitm-1', 4, 18), 'warning'],
    ['strapping-led', button('esp32dev', 25, 2), 'warning'],
    ['esp01-button-on-rx', button('esp01_1m', 3, 1), 'clean'],
    ['name-121-bytes', button('esp32dev', 25, 26), 'error', { friendly_name: `${'ü'.repeat(60)}x` }],
    ['name-slash', button('esp32dev', 25, 26, { friendly_name: 'Hall/Stairs button' }), 'warning'],
    ['comment-256', button('esp32dev', 25, 26), 'error', { comment: 'c'.repeat(256) }],
  ];
  let dir: string;
  let result: ValidateResult;
  const verdicts = new Map<string, Verdict>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-esphome-rules-'));
    const out = join(dir, 'out');
    mkdirSync(out);
    const h = household([]);
    for (const [name, raw, , overrides] of ROWS) {
      const parsed = deviceSpec.safeParse({ ...raw, name });
      // Rows over a string limit fail hearth's schema: build them from a valid spec to render anyway.
      const spec = parsed.success ? parsed.data : { ...deviceSpec.parse({ ...raw, name }), ...overrides };
      const loaded = { file: `devices/${name}.yaml`, spec: overrides ? { ...spec, ...overrides } : spec } as LoadedDevice;
      const issues = [
        ...checkDeviceHardware(loaded),
        ...slashWarnings(loaded.file, { friendly_name: loaded.spec.friendly_name, area: loaded.spec.area }),
      ];
      const schemaFails = overrides !== undefined && !deviceSpec.safeParse({ ...raw, name, ...overrides }).success;
      verdicts.set(name, schemaFails || issues.some((i) => i.severity === 'error') ? 'error' : issues.length > 0 ? 'warning' : 'clean');
      writeFileSync(join(out, `${name}.yaml`), renderDevice(loaded, h));
    }
    result = await validateDir(out, { esphome: ESPHOME, jobs: 2 });
  }, 600_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(ROWS.map(([name, , verdict]) => [name, verdict] as const))('%s: hearth says %s, and ESPHome agrees', (name, verdict) => {
    expect(verdicts.get(name)).toBe(verdict);
    const file = result.results.find((r) => r.device === name)!;
    expect(file, `no result for ${name}`).toBeDefined();
    expect(file.ok, `${name}: esphome exit ${file.exitCode}\n${file.output}`).toBe(verdict !== 'error');
    if (verdict === 'warning') expect(file.warnings.length, `${name}: ESPHome gave no warning\n${file.output}`).toBeGreaterThan(0);
  });
});
