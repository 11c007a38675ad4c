import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generate, renderHousehold } from '../../../src/esphome/generate.js';
import { fleetSecrets, missingSecrets, placeholderSecrets, secretsTemplate } from '../../../src/esphome/secrets.js';
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
    expect(Object.keys(values).sort()).toEqual(fleetSecrets(goldenHousehold()).map((s) => s.name).sort());
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
    const withoutKeys = all.filter((n) => !/_(irk|uuid|mac)$/.test(n)).map((n) => `${n}: "x"`).join('\n');
    expect(missingSecrets(h, withoutKeys)).toEqual(['sam_iphone_irk', 'sam_watch_uuid', 'old_tag_mac']);
    expect(missingSecrets(h, 'not: [valid')).toEqual(all);
  });
});
