import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generate, renderHousehold } from '../../../src/esphome/generate.js';
import { fleetSecrets } from '../../../src/config/secret-names.js';
import {
  missingSecrets,
  placeholderSecrets,
  readTrackerKeys,
  secretsTemplate,
  trackerSecretProblems,
} from '../../../src/esphome/secrets.js';
import { hearthConfig } from '../../../src/config/hearth-config.js';
import { SecretReference } from '../../../src/config/secret-ref.js';
import { TrackerKeyError } from '../../../src/config/tracker-keys.js';
import { referencedSecrets, validateDir } from '../../../src/esphome/validate.js';
import { WIDE_SPECS, device, goldenHousehold, household } from '../../fixtures/esphome/household.js';

describe('secrets', () => {
  it('names every secret the fleet needs', () => {
    const names = fleetSecrets(goldenHousehold()).map((s) => s.name);
    expect(names).toEqual([
      'wifi_ssid',
      'wifi_password',
      'fallback_ap_password',
      'kitchen_meds_button_api_key',
      'kitchen_meds_button_ota_password',
      'presence_kitchen_api_key',
      'presence_kitchen_ota_password',
      'bedroom_strip_api_key',
      'bedroom_strip_ota_password',
      'sam_iphone_irk',
      'sam_watch_uuid',
      'old_tag_mac',
    ]);
    const noAp = household([device(WIDE_SPECS[0]!)], { fallback_ap: false });
    expect(fleetSecrets(noAp).map((s) => s.name)).not.toContain('fallback_ap_password');
  });

  it('template: every name, CHANGE ME values; --generate: fresh keys of the right shape', () => {
    const h = goldenHousehold();
    const template = parse(secretsTemplate(h)) as Record<string, string>;
    expect(Object.keys(template)).toEqual(fleetSecrets(h).map((s) => s.name));
    expect(new Set(Object.values(template))).toEqual(new Set(['CHANGE ME']));

    const a = parse(secretsTemplate(h, { generate: true })) as Record<string, string>;
    const b = parse(secretsTemplate(h, { generate: true })) as Record<string, string>;
    expect(a.wifi_ssid).toBe('CHANGE ME');
    expect(Buffer.from(a.kitchen_meds_button_api_key!, 'base64')).toHaveLength(32);
    expect(a.kitchen_meds_button_api_key).not.toBe(a.presence_kitchen_api_key);
    expect(a.kitchen_meds_button_api_key).not.toBe(b.kitchen_meds_button_api_key);
    expect(a.kitchen_meds_button_ota_password!.length).toBeGreaterThanOrEqual(16);
    expect(a.fallback_ap_password!.length).toBeGreaterThanOrEqual(8);
  });

  it('placeholders: every referenced secret, API keys valid base64 of 32 bytes', () => {
    const texts = renderHousehold(goldenHousehold()).map((f) => f.text);
    const refs = referencedSecrets(texts);
    expect(refs.find((r) => r.name === 'kitchen_meds_button_api_key')?.kind).toBe('api_key');
    const values = parse(placeholderSecrets(refs)) as Record<string, string>;
    expect(Object.keys(values).sort()).toEqual(
      fleetSecrets(goldenHousehold())
        .map((s) => s.name)
        .sort(),
    );
    expect(Buffer.from(values.presence_kitchen_api_key!, 'base64')).toHaveLength(32);
    expect(values.fallback_ap_password!.length).toBeGreaterThanOrEqual(8);
  });
});

describe('validateDir (with a stand-in esphome)', () => {
  let root: string;
  let fake: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'hearth-validate-test-'));
    // Stands in for `esphome config FILE`: fails for files naming "strip", checks secrets.yaml is beside the file.
    fake = join(root, 'fake-esphome.mjs');
    writeFileSync(
      fake,
      `import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
const [cmd, file] = process.argv.slice(2);
if (cmd !== 'config') process.exit(9);
if (!existsSync(join(dirname(file), 'secrets.yaml'))) { console.log('no secrets.yaml'); process.exit(3); }
if (file.includes('strip')) { console.error('Failed config\\nlight.rgbw: [white] is an invalid option for ' + file); process.exit(2); }
console.log(readFileSync(file, 'utf8'));
`,
    );
    chmodSync(fake, 0o755);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('runs every generated file, reports progress and the failing output', async () => {
    const out = join(root, 'out');
    await generate(goldenHousehold(), { outDir: out });
    writeFileSync(join(out, 'mine.yaml'), 'esphome:\n  name: mine\n'); // not generated: skipped
    const progress: string[] = [];
    const result = await validateDir(out, { esphome: `${process.execPath} ${fake}`, jobs: 2, onProgress: (l) => progress.push(l) });
    expect(result.ok).toBe(false);
    expect(result.results.map((r) => [r.device, r.ok])).toEqual([
      ['bedroom-strip', false],
      ['kitchen-meds-button', true],
      ['presence-kitchen', true],
    ]);
    expect(result.results[0]!.output).toContain('invalid option');
    expect(result.results[0]!.exitCode).toBe(2);
    expect(progress).toHaveLength(3);
    expect(progress.every((l) => /^\[\d\/3\] [a-z-]+ (ok|FAILED) \(/.test(l))).toBe(true);
    // The out dir is untouched: no secrets.yaml or .esphome appeared.
    expect(readFileSync(join(out, 'mine.yaml'), 'utf8')).toContain('mine');
    expect(() => readFileSync(join(out, 'secrets.yaml'))).toThrow();
  });

  it('reports a command that cannot run', async () => {
    const out = join(root, 'out2');
    await generate(household([device(WIDE_SPECS[0]!)]), { outDir: out });
    const result = await validateDir(out, { esphome: join(root, 'no-such-esphome') });
    expect(result.ok).toBe(false);
    expect(result.results[0]!.output).toContain('cannot run');
  });
});

describe('missingSecrets', () => {
  it('names what a secrets.yaml lacks, tracker keys included, from its keys alone', () => {
    const h = goldenHousehold();
    const all = fleetSecrets(h).map((e) => e.name);
    const full = all.map((n) => `${n}: "x"`).join('\n');
    expect(missingSecrets(h, full)).toEqual([]);
    const withoutKeys = all
      .filter((n) => !/_(irk|uuid|mac)$/.test(n))
      .map((n) => `${n}: "x"`)
      .join('\n');
    expect(missingSecrets(h, withoutKeys)).toEqual(['sam_iphone_irk', 'sam_watch_uuid', 'old_tag_mac']);
    expect(missingSecrets(h, 'not: [valid')).toEqual(all);
  });
});

describe('tracker keys from files (irk_file, mac_file, uuid_file)', () => {
  const withTrackers = (trackers: Record<string, unknown>[]) => {
    // A node that tracks every tracker, so each key is referenced.
    const h = household([device({ name: 'presence-kitchen', kind: 'presence-node', board: 'esp32dev', room: 'kitchen' })]);
    const config = hearthConfig.parse({ people: [{ id: 'sam', name: 'Sam' }], trackers, routines: [] });
    return { ...h, config: { ...h.config, trackers: config.trackers } };
  };
  const dir = mkdtempSync(join(tmpdir(), 'hearth-tracker-keys-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are read, converted like a value in hearth.yaml, and land in the template; the configs carry !secret only', async () => {
    writeFileSync(join(dir, 'irk'), 'ESIzRFVmd4iZqrvM3e7/AA==\n');
    writeFileSync(join(dir, 'mac'), 'aa:bb:cc:dd:ee:0f');
    const h = withTrackers([
      { id: 'sam-iphone', person: 'sam', type: 'irk', irk_file: join(dir, 'irk') },
      { id: 'old-tag', person: 'sam', type: 'mac', mac_file: join(dir, 'mac') },
    ]);
    const keys = await readTrackerKeys(h);
    expect(Object.fromEntries(keys)).toEqual({ sam_iphone_irk: '00ffeeddccbbaa998877665544332211', old_tag_mac: 'AA:BB:CC:DD:EE:0F' });
    const template = parse(secretsTemplate(h, { trackerKeys: keys })) as Record<string, string>;
    expect(template.sam_iphone_irk).toBe('00ffeeddccbbaa998877665544332211');
    for (const file of renderHousehold(h)) expect(file.text).not.toContain('00ffeeddccbbaa998877665544332211');
  });

  it('an unreadable or malformed key file is an error naming the setting and the file, never its content', async () => {
    const missing = withTrackers([{ id: 'sam-iphone', person: 'sam', type: 'irk', irk_file: join(dir, 'nope') }]);
    await expect(readTrackerKeys(missing)).rejects.toThrow(/trackers\[0\]\.irk_file: cannot read .*nope \(ENOENT\)/);
    writeFileSync(join(dir, 'bad'), 'secret-but-not-a-key');
    const bad = withTrackers([{ id: 'sam-iphone', person: 'sam', type: 'irk', irk_file: join(dir, 'bad') }]);
    const error = await readTrackerKeys(bad).catch((e: Error) => e);
    expect(error).toBeInstanceOf(TrackerKeyError);
    expect((error as Error).message).toContain('trackers[0].irk_file: the irk in');
    expect((error as Error).message).not.toContain('secret-but-not-a-key');
  });

  it('a !secret key is left to secrets.yaml: no value, its own name', async () => {
    const h = withTrackers([{ id: 'sam-iphone', person: 'sam', type: 'irk', irk: new SecretReference('phone_key') }]);
    expect(await readTrackerKeys(h)).toEqual(new Map());
    expect(fleetSecrets(h).filter((e) => e.tracker)).toEqual([{ name: 'phone_key', kind: 'irk', tracker: 'sam-iphone' }]);
    expect(renderHousehold(h).find((f) => f.fileName === 'presence-kitchen.yaml')!.text).toContain('irk: !secret phone_key');
  });
});

describe('trackerSecretProblems', () => {
  it('flags tracker keys in secrets.yaml that ESPHome would not take as written, naming the secret, never the value', () => {
    const h = goldenHousehold();
    const ok =
      'sam_iphone_irk: "00112233445566778899aabbccddeeff"\nsam_watch_uuid: "e2c56db5-dffb-48d2-b060-d0f5a71096e0"\nold_tag_mac: "11:22:33:44:55:66"\n';
    expect(trackerSecretProblems(h, ok)).toEqual([]);
    const base64 = ok.replace('"00112233445566778899aabbccddeeff"', '"ESIzRFVmd4iZqrvM3e7/AA=="');
    const [problem, ...rest] = trackerSecretProblems(h, base64);
    expect(rest).toEqual([]);
    expect(problem).toMatch(/^sam_iphone_irk: ESPHome does not take this irk as written \(it needs 32 hex digits in HA's byte order\)/);
    expect(trackerSecretProblems(h, ok.replace('"11:22:33:44:55:66"', '"11-22-33-44-55-66"'))[0]).toMatch(
      /^old_tag_mac: .*AA:BB:CC:DD:EE:FF/,
    );
    expect(problem).not.toContain('ESIzRFVm');
    expect(trackerSecretProblems(h, ok.replace('"11:22:33:44:55:66"', '"nope"'))).toEqual([
      'old_tag_mac: not a valid mac (must be a MAC address like AA:BB:CC:DD:EE:FF)',
    ]);
  });
});
