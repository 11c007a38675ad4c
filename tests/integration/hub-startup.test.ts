/**
 * What the hub cannot work without is fatal at start: `hearth run` exits 2 with a message
 * naming the setting and the file, instead of a process (and systemd unit) that stays up and
 * does nothing. A missing HA token, an unreadable MQTT password, a store that cannot be opened.
 */
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedStack, type StackInfo } from '../helpers/index.js';
import { runHearthUntilExit, writeHubFiles, type HubFiles } from './hub-harness.js';

const stack: StackInfo = sharedStack();
const dirs: HubFiles[] = [];
afterAll(() => {
  for (const f of dirs) f.remove();
});
const files = (): HubFiles => {
  const f = writeHubFiles(stack);
  dirs.push(f);
  return f;
};

describe('hub: fatal at start', () => {
  it('a missing HA token file: exit 2 naming homeassistant.token_file and the file', async () => {
    const f = files();
    rmSync(join(f.dir, 'ha-token'));
    const run = await runHearthUntilExit(f);
    expect(run.signal).toBeNull();
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `hearth: homeassistant.token_file: cannot read file (homeassistant.token_file) ${join(f.dir, 'ha-token')} (ENOENT)`,
    );
  });

  it('an unreadable MQTT password file: exit 2 naming mqtt.password_file', async () => {
    const f = files();
    // A directory where the file should be: unreadable even for root.
    rmSync(join(f.dir, 'mqtt-password'));
    mkdirSync(join(f.dir, 'mqtt-password'));
    const run = await runHearthUntilExit(f);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/hearth: mqtt\.password_file: cannot read .*mqtt-password \(EISDIR\)/);
  });

  it('an empty HTTP token file: exit 2 naming http.token_file', async () => {
    const f = files();
    writeFileSync(join(f.dir, 'http-token'), '\n');
    const run = await runHearthUntilExit(f);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/hearth: http\.token_file: .*http-token is empty/);
  });

  it('a store that cannot be opened: exit 2 naming the file and state_dir', async () => {
    const f = files();
    // state_dir is a regular file: the store's directory cannot be made.
    writeFileSync(join(f.dir, 'state'), 'not a directory');
    chmodSync(join(f.dir, 'state'), 0o444);
    const run = await runHearthUntilExit(f);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `hearth: cannot start: the store ${join(f.dir, 'state', 'hearth.sqlite')} (state_dir) could not be opened`,
    );
  });

  it('an invalid hearth.yaml: exit 2 with the issues', async () => {
    const f = files();
    f.rewrite((c) => void (c.routines = [{ id: 'Not An Id' }]));
    const run = await runHearthUntilExit(f);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/hearth: \d+ configuration error\(s\)/);
  });
});
