import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HA_TOKEN, MQTT_PASSWORD, readOptionalSecret, readSecret, SecretError } from '../../../src/config/secret-files.js';

const dir = mkdtempSync(join(tmpdir(), 'hearth-secrets-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('readSecret', () => {
  it('reads and trims the configured file first', async () => {
    const p = file('token', '  abc123\n');
    const s = await readSecret(HA_TOKEN(p), { env: { CREDENTIALS_DIRECTORY: dir, HEARTH_HA_TOKEN: 'env' } });
    expect(s.value).toBe('abc123');
    expect(s.source).toContain(p);
    expect(s.source).not.toContain('abc123');
  });

  it('falls back to $CREDENTIALS_DIRECTORY/<credential>, then the environment', async () => {
    const cred = mkdtempSync(join(tmpdir(), 'hearth-cred-'));
    writeFileSync(join(cred, 'ha-token'), 'from-cred\n');
    expect((await readSecret(HA_TOKEN(), { env: { CREDENTIALS_DIRECTORY: cred, HEARTH_HA_TOKEN: 'env' } })).value).toBe('from-cred');
    const empty = mkdtempSync(join(tmpdir(), 'hearth-cred-'));
    const s = await readSecret(HA_TOKEN(), { env: { CREDENTIALS_DIRECTORY: empty, HEARTH_HA_TOKEN: ' from-env ' } });
    expect(s).toEqual({ value: 'from-env', source: 'environment variable HEARTH_HA_TOKEN' });
  });

  it('names the setting when nothing is found, and never the value', async () => {
    await expect(readSecret(HA_TOKEN(), { env: {} })).rejects.toThrow(
      /homeassistant\.token_file: no secret found \(set homeassistant\.token_file in hearth\.yaml, or \$CREDENTIALS_DIRECTORY\/ha-token, or \$HEARTH_HA_TOKEN\)/,
    );
    await expect(readSecret(HA_TOKEN(join(dir, 'missing')), { env: {} })).rejects.toThrow(
      /homeassistant\.token_file: cannot read .*ENOENT/,
    );
    await expect(readSecret(HA_TOKEN(file('empty', ' \n')), { env: {} })).rejects.toThrow(/is empty/);
    await expect(readSecret(HA_TOKEN(), { env: {} })).rejects.toBeInstanceOf(SecretError);
  });

  it('optional secrets are undefined when configured nowhere, but errors when a file is broken', async () => {
    expect(await readOptionalSecret(MQTT_PASSWORD(), { env: {} })).toBeUndefined();
    await expect(readOptionalSecret(MQTT_PASSWORD(join(dir, 'nope')), { env: {} })).rejects.toThrow(/mqtt\.password_file/);
  });
});
