import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretsFileError, writeNewSecretsFile } from '../../../src/esphome/secrets-file.js';

let previousUmask: number;
beforeEach(() => {
  previousUmask = process.umask(0o022); // the usual umask: files would come out 0644
});
afterEach(() => {
  process.umask(previousUmask);
});

describe('writeNewSecretsFile (hearth esphome secrets --out)', () => {
  it('creates the file 0600 under umask 022, leaving no temp file behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-secrets-'));
    const file = join(dir, 'secrets.yaml');
    await writeNewSecretsFile(file, 'kitchen_api_key: "abc"\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe('kitchen_api_key: "abc"\n');
    expect(readdirSync(dir)).toEqual(['secrets.yaml']);
  });

  it('never overwrites an existing file (its keys are on the devices)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-secrets-'));
    const file = join(dir, 'secrets.yaml');
    writeFileSync(file, 'old: "keep me"\n');
    await expect(writeNewSecretsFile(file, 'new: "x"\n')).rejects.toThrow(SecretsFileError);
    await expect(writeNewSecretsFile(file, 'new: "x"\n')).rejects.toThrow(/secrets\.yaml: exists already/);
    expect(readFileSync(file, 'utf8')).toBe('old: "keep me"\n');
    expect(readdirSync(dir)).toEqual(['secrets.yaml']);
  });

  it('a missing folder is a SecretsFileError naming it (the CLI exits 2), not an ENOENT', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-secrets-'));
    const file = join(dir, 'nope', 'secrets.yaml');
    await expect(writeNewSecretsFile(file, 'x: "y"\n')).rejects.toThrow(SecretsFileError);
    await expect(writeNewSecretsFile(file, 'x: "y"\n')).rejects.toThrow(`${file}: folder ${join(dir, 'nope')} does not exist`);
    expect(readdirSync(dir)).toEqual([]);
  });
});
