import * as fs from 'node:fs/promises';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/issues.js';
import { generate, renderHousehold, writeGenerated, type GenerateFs } from '../../../src/esphome/generate.js';
import { WIDE_SPECS, device, household } from '../../fixtures/esphome/household.js';

/** Every file under a dir (relative path → content or symlink target), to compare before/after. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    const rel = path.slice(dir.length + 1);
    if (entry.isSymbolicLink()) out[rel] = `-> ${readlinkSync(path)}`;
    else if (entry.isFile()) out[rel] = readFileSync(path, 'utf8');
    else if (entry.isDirectory()) out[`${rel}/`] = '';
  }
  return out;
}

describe('generate (atomic write)', () => {
  let root: string;
  let out: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'hearth-gen-test-'));
    out = join(root, 'build', 'esphome');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const three = () => household(WIDE_SPECS.slice(0, 3).map(device));

  it('writes one <device>.yaml per spec and nothing else', async () => {
    const result = await generate(three(), { outDir: out });
    expect(result.written).toEqual(['kitchen-meds-button.yaml', 'presence-kitchen.yaml', 'bedroom-strip.yaml']);
    expect(readdirSync(out).sort()).toEqual(['bedroom-strip.yaml', 'kitchen-meds-button.yaml', 'presence-kitchen.yaml']);
    expect(readdirSync(join(root, 'build'))).toEqual(['esphome']); // no temp dirs left behind
  });

  it('leaves the old output exactly as it was when writing fails mid-way', async () => {
    await generate(three(), { outDir: out });
    mkdirSync(join(out, '.esphome', 'build'), { recursive: true });
    writeFileSync(join(out, '.esphome', 'build', 'cache.o'), 'object');
    writeFileSync(join(out, 'notes.yaml'), '# mine\n');
    const before = snapshot(out);

    let writes = 0;
    const failing: GenerateFs = {
      ...fs,
      writeFile: (async (...args: Parameters<typeof fs.writeFile>) => {
        if (++writes === 2) throw new Error('disk full (simulated)');
        return fs.writeFile(...args);
      }) as typeof fs.writeFile,
    };
    const changed = household([...WIDE_SPECS.slice(0, 2), WIDE_SPECS[3]!].map(device));
    await expect(writeGenerated(renderHousehold(changed), { outDir: out, fs: failing })).rejects.toThrow('disk full');
    expect(snapshot(out)).toEqual(before);
    expect(readdirSync(join(root, 'build'))).toEqual(['esphome']);
  });

  it('leaves the old output as it was when the final swap fails', async () => {
    await generate(three(), { outDir: out });
    mkdirSync(join(out, '.esphome'));
    writeFileSync(join(out, '.esphome', 'x'), 'x');
    const before = snapshot(out);
    let failed = false;
    const failing: GenerateFs = {
      ...fs,
      rename: (async (from: string, to: string) => {
        // The new dir moving into place fails (once: the rollback's rename must work).
        if (to === out && !failed && from.includes('.esphome.new-')) {
          failed = true;
          throw new Error('rename failed (simulated)');
        }
        return fs.rename(from, to);
      }) as typeof fs.rename,
    };
    await expect(writeGenerated(renderHousehold(household([device(WIDE_SPECS[0]!)])), { outDir: out, fs: failing })).rejects.toThrow(
      'simulated',
    );
    expect(snapshot(out)).toEqual(before);
    expect(readdirSync(join(root, 'build'))).toEqual(['esphome']);
  });

  it('writes nothing when any spec fails, and reports every failing spec', async () => {
    await generate(three(), { outDir: out });
    const before = snapshot(out);
    const bad = household([
      device(WIDE_SPECS[0]!),
      device({ ...(WIDE_SPECS[1] as object), name: 'presence-a', tracks: ['nobody'] }),
      device({ ...(WIDE_SPECS[1] as object), name: 'presence-b', tracks: ['sam-iphone', 'ghost'] }),
    ]);
    const error = await generate(bad, { outDir: out }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => `${i.file}: ${i.path}`)).toEqual([
      'devices/presence-a.yaml: tracks[0]',
      'devices/presence-b.yaml: tracks[1]',
    ]);
    expect(snapshot(out)).toEqual(before);
  });

  it('removes generated files of removed devices, keeps everything else', async () => {
    await generate(three(), { outDir: out });
    mkdirSync(join(out, '.esphome'));
    writeFileSync(join(out, '.esphome', 'storage.json'), '{}');
    writeFileSync(join(out, 'hand-written.yaml'), 'esphome:\n  name: mine\n');
    writeFileSync(join(out, 'secrets.yaml'), 'wifi_ssid: "x"\n');

    const result = await generate(household([device(WIDE_SPECS[0]!)]), { outDir: out });
    expect(result.removed.sort()).toEqual(['bedroom-strip.yaml', 'presence-kitchen.yaml']);
    expect(result.kept.sort()).toEqual(['.esphome', 'hand-written.yaml', 'secrets.yaml']);
    expect(readdirSync(out).sort()).toEqual(['.esphome', 'hand-written.yaml', 'kitchen-meds-button.yaml', 'secrets.yaml']);
    expect(readFileSync(join(out, '.esphome', 'storage.json'), 'utf8')).toBe('{}');
    expect(readFileSync(join(out, 'secrets.yaml'), 'utf8')).toBe('wifi_ssid: "x"\n');
  });

  it('--secrets places a secrets.yaml symlink to the real file (absolute path)', async () => {
    const real = join(root, 'my-secrets.yaml');
    writeFileSync(real, 'wifi_ssid: "home"\n');
    const cwd = process.cwd();
    process.chdir(root);
    try {
      await generate(three(), { outDir: 'build/esphome', secretsFile: 'my-secrets.yaml' });
    } finally {
      process.chdir(cwd);
    }
    expect(readlinkSync(join(out, 'secrets.yaml'))).toBe(real);
    expect(readFileSync(join(out, 'secrets.yaml'), 'utf8')).toBe('wifi_ssid: "home"\n');
    // Replaced (not duplicated) on the next run.
    await generate(three(), { outDir: out, secretsFile: real });
    expect(readlinkSync(join(out, 'secrets.yaml'))).toBe(real);
  });

  it('refuses a missing secrets file without touching the output', async () => {
    await expect(generate(three(), { outDir: out, secretsFile: join(root, 'nope.yaml') })).rejects.toThrow('secrets file not found');
    expect(existsSync(out)).toBe(false);
  });
});
